import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import { lfsObjectKey } from 'src/lfs/lfs-keys';
import { LfsContentMismatchError } from 'src/lfs/lfs.errors';
import { LfsObjectRepository } from 'src/lfs/lfs-object.repository';
import { LfsUploadSessionEntity } from 'src/lfs/lfs-upload-session.entity';
import { LfsUploadSessionRepository } from 'src/lfs/lfs-upload-session.repository';
import { BlobStorage } from 'src/storage/blob-storage';

/** How long a request waits for another one that is verifying the same staged upload. */
const OTHER_VERIFIER_WAIT_MS = 120_000;
const OTHER_VERIFIER_POLL_MS = 250;

export interface MeasuredContent {
  oid: string;
  size: number;
}

/**
 * Output block size of `Sha256Meter`. Sockets deliver 64 KiB chunks, and writing each to a file
 * costs a syscall and a thread-pool round trip; 1 MiB blocks cut those 16-fold for one memory
 * copy. Larger blocks did not help (test/bench/lfs-upload.bench.ts): the file stream's small
 * buffer makes each block a stop-and-wait write, so bigger blocks only stall the socket longer.
 */
const OUTPUT_BLOCK_BYTES = 1024 * 1024;

/**
 * Pass-through stream computing the sha256 and length of what flows through it, re-cut into
 * large blocks for the store. It fails as soon as more than `limit` bytes arrive, so an oversized
 * body never fills the staging area.
 */
export class Sha256Meter extends Transform {
  bytes = 0;
  private readonly hash = createHash('sha256');
  private block: Buffer;
  private filled = 0;

  constructor(
    private readonly oid: string,
    private readonly limit: number,
    private readonly blockBytes = OUTPUT_BLOCK_BYTES,
  ) {
    super();
    this.block = Buffer.allocUnsafe(Math.min(blockBytes, Math.max(limit, 1)));
  }

  /** Call once, after the stream finished. */
  measured(): MeasuredContent {
    return { oid: this.hash.digest('hex'), size: this.bytes };
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      callback(new LfsContentMismatchError(this.oid, '', this.bytes, this.limit));
      return;
    }
    this.hash.update(chunk);
    let offset = 0;
    while (offset < chunk.length) {
      const copied = chunk.copy(this.block, this.filled, offset);
      this.filled += copied;
      offset += copied;
      if (this.filled === this.block.length) {
        this.push(this.block);
        // Sized to what is still expected, so a small object never holds a full block.
        const passed = this.bytes - chunk.length + offset;
        this.block = Buffer.allocUnsafe(Math.min(this.blockBytes, Math.max(this.limit - passed, 1)));
        this.filled = 0;
      }
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.filled > 0) {
      this.push(this.block.subarray(0, this.filled));
    }
    callback();
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
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of body) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      hash.update(buffer);
    }
    return { oid: hash.digest('hex'), size };
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
