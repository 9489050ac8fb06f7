import { HubError } from 'src/common/errors/hub-error';

export class BlobNotFoundError extends HubError {
  constructor(key: string) {
    super(404, 'NotFound', `Blob not found: ${key}`);
  }
}

export class InvalidBlobKeyError extends HubError {
  constructor(key: string, reason: string) {
    super(400, 'BadRequest', `Invalid blob key ${JSON.stringify(key)}: ${reason}`);
  }
}

/** A malformed range (negative, non-integer, end before start); an unsatisfiable one is `RangeNotSatisfiableError`. */
export class InvalidBlobRangeError extends HubError {
  constructor(start: number, end: number) {
    super(400, 'BadRequest', `Invalid byte range ${start}-${end}`);
  }
}

/** The body delivered a different number of bytes than the size announced for it. */
export class BlobSizeMismatchError extends HubError {
  constructor(expected: number, received: number) {
    super(400, 'BadRequest', `Expected ${expected} bytes but received ${received > expected ? 'more' : received}`);
  }
}

/** S3 cannot take a part of unknown length without buffering it, so the caller must announce the size. */
export class BlobSizeRequiredError extends HubError {
  constructor() {
    super(411, 'BadRequest', 'The size of the part must be known before it is uploaded');
  }
}

export class MultipartUploadNotFoundError extends HubError {
  constructor(uploadId: string) {
    super(404, 'NotFound', `Multipart upload not found: ${uploadId}`);
  }
}

/** A completion names a part that is missing, listed twice, or whose etag does not match the stored bytes. */
export class InvalidMultipartPartError extends HubError {
  constructor(message: string) {
    super(400, 'BadRequest', message);
  }
}

/** A self-authenticating URL was missing its signature, tampered with, used with another method, or expired. */
export class SignedUrlError extends HubError {
  constructor(reason: string) {
    super(403, 'Forbidden', `Invalid signed URL: ${reason}`);
  }
}

export class StorageUnavailableError extends HubError {
  constructor(reason: string, cause?: unknown) {
    super(503, 'ServiceUnavailable', `Blob storage unavailable: ${reason}`, { cause });
  }
}
