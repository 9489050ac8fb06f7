import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UnprocessableEntityError } from 'src/common/errors/hub-error';
import { LfsActionsDto, LfsCompletedPartDto } from 'src/lfs/lfs.dto';
import {
  LfsContentMismatchError,
  LfsObjectNotFoundError,
  LfsObjectSizeMismatchError,
  LfsUploadBusyError,
  LfsUploadNotFoundError,
} from 'src/lfs/lfs.errors';
import { lfsStagingKey } from 'src/lfs/lfs-keys';
import { LfsObjectRepository } from 'src/lfs/lfs-object.repository';
import { LfsStagedObjects, Sha256Meter } from 'src/lfs/lfs-staged-objects';
import { Sha256Workers } from 'src/lfs/sha256-workers';
import { LfsTransferPolicy, MAX_PRESIGNED_PUT_BYTES } from 'src/lfs/lfs-transfer-policy';
import { LfsUploadSessionEntity } from 'src/lfs/lfs-upload-session.entity';
import { LfsUploadSessionRepository } from 'src/lfs/lfs-upload-session.repository';
import { LfsUrls } from 'src/lfs/lfs-urls';
import { RepoRecord } from 'src/repo/repo-record';
import { BlobStorage } from 'src/storage/blob-storage';

export interface NewUpload {
  repo: RepoRecord;
  /** The uploader, kept for accounting. */
  userId: number | null;
  oid: string;
  size: number;
  transfer: 'basic' | 'multipart';
  baseUrl: string;
}

/** Either the actions to hand out or why this object cannot be uploaded this way (a per-object error). */
export type NewUploadResult = { actions: LfsActionsDto } | { error: { code: number; message: string } };

/**
 * The upload half of the LFS API: issuing upload sessions with their signed (or presigned) URLs,
 * receiving the bytes the application serves itself, completing multipart uploads, and the verify
 * action. Every path ends in `LfsStagedObjects`, which proves sha256 and size before registering.
 */
@Injectable()
export class LfsUploadService {
  constructor(
    private readonly storage: BlobStorage,
    private readonly sessions: LfsUploadSessionRepository,
    private readonly objects: LfsObjectRepository,
    private readonly staged: LfsStagedObjects,
    private readonly urls: LfsUrls,
    private readonly policy: LfsTransferPolicy,
    private readonly hashers: Sha256Workers,
  ) {}

  async createUpload(upload: NewUpload): Promise<NewUploadResult> {
    const id = randomUUID();
    const stagingKey = lfsStagingKey(id);
    const ttl = this.urls.ttlSeconds;
    const session = {
      id,
      oid: upload.oid,
      size: upload.size,
      stagingKey,
      repoId: upload.repo.id,
      userId: upload.userId,
      expiresAt: new Date(Date.now() + ttl * 1000),
    };
    const verify = { href: this.urls.verify(upload.baseUrl, id, upload.oid, upload.size), expires_in: ttl };
    if (upload.transfer === 'basic') {
      const presigned = await this.storage.presignPut(stagingKey, { expiresInSeconds: ttl });
      if (presigned !== null && upload.size > MAX_PRESIGNED_PUT_BYTES) {
        return {
          error: {
            code: 422,
            message: `Objects over ${MAX_PRESIGNED_PUT_BYTES} bytes need the multipart transfer on this server`,
          },
        };
      }
      await this.sessions.insert({
        ...session,
        transfer: 'basic',
        multipartUploadId: null,
        chunkSize: null,
        partCount: null,
      });
      const href = presigned ?? this.urls.upload(upload.baseUrl, id, upload.oid, upload.size);
      return { actions: { upload: { href, expires_in: ttl }, verify } };
    }
    const chunkSize = this.policy.chunkSizeFor(upload.size);
    const partCount = Math.ceil(upload.size / chunkSize);
    const multipartUploadId = await this.storage.createMultipartUpload(stagingKey);
    try {
      await this.sessions.insert({ ...session, transfer: 'multipart', multipartUploadId, chunkSize, partCount });
    } catch (error) {
      await this.storage.abortMultipartUpload(stagingKey, multipartUploadId).catch(() => undefined);
      throw error;
    }
    const header: Record<string, string> = { chunk_size: String(chunkSize) };
    for (let partNumber = 1; partNumber <= partCount; partNumber += 1) {
      header[String(partNumber)] =
        (await this.storage.presignUploadPart(stagingKey, multipartUploadId, partNumber, ttl)) ??
        this.urls.part(upload.baseUrl, id, partNumber);
    }
    return { actions: { upload: { href: this.urls.complete(upload.baseUrl, id), header, expires_in: ttl }, verify } };
  }

  /**
   * A single-PUT upload served by the application (fs storage): the body is hashed while it
   * streams into staging, then promoted or discarded. A PUT for an object that is already verified
   * (a retry after a lost response, or the same content uploaded elsewhere) succeeds at once.
   */
  async receiveUpload(
    uploadId: string,
    signed: { oid: string; size: number },
    body: Readable,
    announcedLength: number | undefined,
  ): Promise<void> {
    if (announcedLength !== undefined && announcedLength !== signed.size) {
      throw new UnprocessableEntityError(
        `This upload announces ${announcedLength} bytes, but LFS object ${signed.oid} has ${signed.size}`,
      );
    }
    if ((await this.objects.findVerified(signed.oid)) !== null) {
      body.resume();
      return;
    }
    const session = await this.sessions.findLive(uploadId, new Date());
    if (
      session === null ||
      session.transfer !== 'basic' ||
      session.oid !== signed.oid ||
      session.size !== signed.size
    ) {
      throw new LfsUploadNotFoundError();
    }
    await this.claimOrRefuse(session);
    const meter = new Sha256Meter(session.oid, session.size, this.hashers.open());
    try {
      await Promise.all([this.storage.put(session.stagingKey, meter), pipeline(body, meter)]);
    } catch (error) {
      if (error instanceof LfsContentMismatchError) {
        await this.staged.discard(session);
      } else {
        // The client went away mid-body: the same URL may be retried.
        await this.sessions.release(session.id);
      }
      throw error;
    }
    await this.settleOrDiscard(session, () => this.staged.settle(session, meter.measured()));
  }

  /** One part of a multipart upload served by the application; resolves with the part's ETag. */
  async receivePart(
    uploadId: string,
    partNumber: number,
    body: Readable,
    announcedLength: number | undefined,
  ): Promise<string> {
    const session = await this.sessions.findLive(uploadId, new Date());
    if (
      session === null ||
      session.transfer !== 'multipart' ||
      session.multipartUploadId === null ||
      session.partCount === null ||
      session.chunkSize === null
    ) {
      throw new LfsUploadNotFoundError();
    }
    if (session.state !== 'pending') {
      throw new LfsUploadBusyError();
    }
    if (!Number.isSafeInteger(partNumber) || partNumber < 1 || partNumber > session.partCount) {
      throw new UnprocessableEntityError(`Part number must be from 1 to ${session.partCount}: ${partNumber}`);
    }
    const expected =
      partNumber < session.partCount ? session.chunkSize : session.size - session.chunkSize * (session.partCount - 1);
    if (announcedLength !== undefined && announcedLength !== expected) {
      throw new UnprocessableEntityError(`Part ${partNumber} must be ${expected} bytes, not ${announcedLength}`);
    }
    const { etag } = await this.storage.uploadPart(
      session.stagingKey,
      session.multipartUploadId,
      partNumber,
      body,
      expected,
    );
    return etag;
  }

  /**
   * Joins the parts (uploaded to the application or straight to S3), then streams the result back
   * through sha256 before registering it. A completion for an object that got verified meanwhile
   * drops this upload and succeeds.
   */
  async completeMultipart(uploadId: string, oid: string, parts: LfsCompletedPartDto[]): Promise<void> {
    const session = await this.sessions.findLive(uploadId, new Date());
    if (session === null || session.transfer !== 'multipart' || session.multipartUploadId === null) {
      // A completion retried after its answer was lost finds the session gone and the object in place.
      if ((await this.objects.findVerified(oid)) !== null) {
        return;
      }
      throw new LfsUploadNotFoundError();
    }
    if (session.oid !== oid) {
      throw new UnprocessableEntityError(`This upload is for LFS object ${session.oid}, not ${oid}`);
    }
    await this.claimOrRefuse(session);
    if ((await this.objects.findVerified(oid)) !== null) {
      await this.staged.discard(session);
      return;
    }
    const numbers = parts.map((part) => part.partNumber).sort((a, b) => a - b);
    if (numbers.length !== session.partCount || numbers.some((number, index) => number !== index + 1)) {
      await this.sessions.release(session.id);
      throw new UnprocessableEntityError(
        `A completion must list parts 1 to ${session.partCount} once each; got ${numbers.join(', ')}`,
      );
    }
    try {
      await this.storage.completeMultipartUpload(session.stagingKey, session.multipartUploadId, parts);
    } catch (error) {
      // A missing or mismatching part can be uploaded again and the completion retried.
      await this.sessions.release(session.id);
      throw error;
    }
    // From here on the staged object exists and the multipart upload does not.
    const completed = { ...session, multipartUploadId: null };
    await this.settleOrDiscard(completed, () => this.staged.verifyStaged(completed));
  }

  /**
   * The verify action: 200 when `oid` is verified with `size`. Bytes that reached staging without
   * passing through the application (presigned S3 PUTs) are hashed here.
   */
  async verify(oid: string, size: number): Promise<void> {
    let found = await this.objects.findVerified(oid);
    if (found === null && (await this.staged.settlePendingUploads(oid))) {
      found = await this.objects.findVerified(oid);
    }
    if (found === null) {
      throw new LfsObjectNotFoundError(oid);
    }
    if (found.size !== size) {
      throw new LfsObjectSizeMismatchError(oid, size, found.size);
    }
  }

  /** Takes the session's claim; while another request holds it, this one is refused (409) rather than queued. */
  private async claimOrRefuse(session: LfsUploadSessionEntity): Promise<void> {
    if (!(await this.sessions.claim(session.id, new Date()))) {
      throw new LfsUploadBusyError();
    }
  }

  /**
   * Runs the final check. Once bytes are staged there is nothing to resume: an unexpected failure
   * (storage down while moving) discards the upload like a mismatch does, and the client uploads again.
   */
  private async settleOrDiscard(session: LfsUploadSessionEntity, settle: () => Promise<void>): Promise<void> {
    try {
      await settle();
    } catch (error) {
      if (!(error instanceof LfsContentMismatchError)) {
        await this.staged.discard(session).catch(() => undefined);
      }
      throw error;
    }
  }
}
