import { Injectable, Logger } from '@nestjs/common';
import { Transform, TransformCallback } from 'node:stream';
import { lfsObjectKey } from 'src/lfs/lfs-keys';
import { LfsContentMismatchError } from 'src/lfs/lfs.errors';
import { LfsObjectRepository } from 'src/lfs/lfs-object.repository';
import { LfsUploadSessionEntity } from 'src/lfs/lfs-upload-session.entity';
import { LfsUploadSessionRepository } from 'src/lfs/lfs-upload-session.repository';
import { OffThreadSha256, Sha256Workers } from 'src/lfs/sha256-workers';
import { BlobStorage } from 'src/storage/blob-storage';

/** How long a request waits for another one that is verifying the same staged upload. */
const OTHER_VERIFIER_WAIT_MS = 120_000;
const OTHER_VERIFIER_POLL_MS = 250;

export interface MeasuredContent {
  oid: string;
  size: number;
}

/**
 * Pass-through stream computing the sha256 and length of what flows through it. The bytes are
 * hashed by a worker thread while the store writes them; the stream waits when the worker falls
 * behind. It fails as soon as more than `limit` bytes arrive, so an oversized body never fills
 * the staging area.
 */
export class Sha256Meter extends Transform {
  bytes = 0;
  private digest: string | null = null;

  constructor(
    private readonly oid: string,
    private readonly limit: number,
    private readonly hash: OffThreadSha256,
  ) {
    super();
  }

  /** Call once, after the stream finished. */
  measured(): MeasuredContent {
    if (this.digest === null) {
      throw new Error('Sha256Meter.measured() was called before the stream finished');
    }
    return { oid: this.digest, size: this.bytes };
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      callback(new LfsContentMismatchError(this.oid, '', this.bytes, this.limit));
      return;
    }
    this.hash.update(chunk);
    this.push(chunk);
    if (this.hash.isBusy) {
      this.hash.whenReady().then(() => callback(), callback);
    } else {
      callback();
    }
  }

  override _flush(callback: TransformCallback): void {
    this.hash.digest().then((digest) => {
      this.digest = digest;
      callback();
    }, callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.digest === null) {
      this.hash.abort();
    }
    callback(error);
  }
}

/**
 * The end of every upload path: bytes sit under a staging key, their sha256 and size are measured
 * by the server, and only a match is moved to `lfs/ab/cd/<oid>` and registered as verified
 * (architecture D2). A mismatch discards the staged bytes and the upload session.
 *
 * Callers must own the session's claim (`LfsUploadSessionRepository.claim`) before calling
 * `settle` or `verifyStaged`, so two requests never move the same staged object.
 */
@Injectable()
export class LfsStagedObjects {
  private readonly logger = new Logger(LfsStagedObjects.name);

  constructor(
    private readonly storage: BlobStorage,
    private readonly objects: LfsObjectRepository,
    private readonly sessions: LfsUploadSessionRepository,
    private readonly hashers: Sha256Workers,
  ) {}

  /** Streams the staged bytes back through sha256 (S3 uploads and completed multiparts, which the app did not see). */
  async verifyStaged(session: LfsUploadSessionEntity): Promise<void> {
    await this.settle(session, await this.measure(session.stagingKey));
  }

  /** Promotes the staged object when `measured` matches the session's oid and size; otherwise discards it and throws. */
  async settle(session: LfsUploadSessionEntity, measured: MeasuredContent): Promise<void> {
    if (measured.oid !== session.oid || measured.size !== session.size) {
      await this.discard(session);
      throw new LfsContentMismatchError(session.oid, measured.oid, measured.size, session.size);
    }
    const key = lfsObjectKey(session.oid);
    // Move before registering: the registry must never name bytes that are not in place.
    await this.storage.move(session.stagingKey, key);
    await this.objects.registerVerified({ oid: session.oid, size: session.size, backend: 'blob', storageKey: key });
    await this.sessions.delete(session.id);
  }

  /** Removes the staged bytes (or the unfinished multipart upload) and the session. */
  async discard(session: LfsUploadSessionEntity): Promise<void> {
    await this.sessions.delete(session.id);
    await this.removeStagedBytes(session);
  }

  /**
   * Best effort for the multipart part: a store that cannot abort (some S3-compatible servers
   * lack the call) keeps the parts until its own lifecycle rules drop them, and that must not
   * stop the staged object from being removed or hide the error that led here.
   */
  async removeStagedBytes(session: LfsUploadSessionEntity): Promise<void> {
    if (session.multipartUploadId !== null) {
      await this.storage.abortMultipartUpload(session.stagingKey, session.multipartUploadId).catch((error: unknown) => {
        this.logger.warn({ err: error, uploadId: session.id }, 'Could not abort an unfinished multipart upload');
      });
    }
    await this.storage.delete(session.stagingKey);
  }

  /**
   * Finishes single-PUT uploads of `oid` whose bytes reached staging without passing through the
   * application (presigned S3 PUTs): the client may never call verify (JS does not), so whoever
   * needs the object next settles it. Resolves true when `oid` is now verified; throws the
   * mismatch error when staged bytes turned out to be something else.
   */
  async settlePendingUploads(oid: string): Promise<boolean> {
    let mismatch: LfsContentMismatchError | undefined;
    for (const session of await this.sessions.findPendingBasic(oid, new Date())) {
      if ((await this.storage.head(session.stagingKey)) === null) {
        continue;
      }
      if (!(await this.sessions.claim(session.id, new Date()))) {
        if (await this.waitForOtherVerifier(session.id, oid)) {
          return true;
        }
        continue;
      }
      try {
        await this.verifyStaged(session);
        return true;
      } catch (error) {
        if (error instanceof LfsContentMismatchError) {
          mismatch ??= error;
          continue;
        }
        await this.sessions.release(session.id);
        throw error;
      }
    }
    if (mismatch !== undefined) {
      throw mismatch;
    }
    return false;
  }

  private async measure(key: string): Promise<MeasuredContent> {
    const { body } = await this.storage.get(key);
    return this.hashers.measure(body as AsyncIterable<Buffer>);
  }

  /** Another request holds the claim: wait until it let go, then report whether `oid` got verified. */
  private async waitForOtherVerifier(sessionId: string, oid: string): Promise<boolean> {
    const deadline = Date.now() + OTHER_VERIFIER_WAIT_MS;
    while (Date.now() < deadline) {
      const session = await this.sessions.findLive(sessionId, new Date());
      if (session === null || session.state !== 'verifying') {
        break;
      }
      await new Promise((wake) => setTimeout(wake, OTHER_VERIFIER_POLL_MS));
    }
    return (await this.objects.findVerified(oid)) !== null;
  }
}
