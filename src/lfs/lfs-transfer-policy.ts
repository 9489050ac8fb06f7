import { Injectable } from '@nestjs/common';
import { HubConfig } from 'src/config/hub-config';

const MIB = 1024 * 1024;

/** The most parts one S3 multipart upload may have. */
export const MAX_MULTIPART_PARTS = 10_000;
/** A presigned S3 PUT carries at most 5 GiB; bigger objects must go through multipart on S3. */
export const MAX_PRESIGNED_PUT_BYTES = 5 * 1024 * MIB;

/** How the batch API hands out uploads, from `KOHAKU_HUB_LFS_MULTIPART_*` and `KOHAKU_HUB_LFS_MAX_BATCH_OBJECTS`. */
@Injectable()
export class LfsTransferPolicy {
  /** Objects larger than this get a multipart upload when the client offers `multipart`. */
  readonly multipartThresholdBytes: number;
  /** More objects in one batch request is a 413 (git-lfs sends 100, Python 256, JS 100). */
  readonly maxObjectsPerBatch: number;
  private readonly multipartChunkBytes: number;

  constructor(config: HubConfig) {
    this.multipartThresholdBytes = config.lfsTransfer.multipartThresholdBytes;
    this.multipartChunkBytes = config.lfsTransfer.multipartChunkBytes;
    this.maxObjectsPerBatch = config.lfsTransfer.maxBatchObjects;
  }

  /** The part size for an object of `size` bytes: the configured size, raised so no object needs over 10,000 parts. */
  chunkSizeFor(size: number): number {
    const fewestAllowed = Math.ceil(size / MAX_MULTIPART_PARTS / MIB) * MIB;
    return Math.max(this.multipartChunkBytes, fewestAllowed);
  }
}
