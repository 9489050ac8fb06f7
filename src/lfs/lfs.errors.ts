import { HubError } from 'src/common/errors/hub-error';

/** A download or verify for an oid the registry does not hold as verified. */
export class LfsObjectNotFoundError extends HubError {
  constructor(oid: string) {
    super(404, 'NotFound', `LFS object ${oid} does not exist on this server`);
  }
}

/**
 * A commit (or any consumer) names an oid that was never uploaded, or whose upload was not
 * verified: the client must upload it through the LFS batch API first.
 */
export class LfsObjectNotUploadedError extends HubError {
  constructor(oid: string) {
    super(
      422,
      'UnprocessableEntity',
      `LFS object ${oid} has not been uploaded (or its upload was not verified); upload it through the LFS batch API first`,
    );
  }
}

export class LfsObjectSizeMismatchError extends HubError {
  constructor(oid: string, expected: number, actual: number) {
    super(422, 'UnprocessableEntity', `LFS object ${oid} has ${actual} bytes, not ${expected}`);
  }
}

/** The uploaded bytes hash to something else than the oid they were announced as; they were discarded. */
export class LfsContentMismatchError extends HubError {
  constructor(oid: string, actualOid: string, actualSize: number, expectedSize: number) {
    const detail =
      actualSize === expectedSize
        ? `their sha256 is ${actualOid}`
        : `${actualSize} bytes arrived instead of ${expectedSize}`;
    super(422, 'UnprocessableEntity', `Uploaded content does not match LFS object ${oid}: ${detail}; it was discarded`);
  }
}

/** git-lfs batch API: a `hash_algo` the server does not name objects with is a 409 (git-lfs docs/api/batch.md). */
export class LfsHashAlgoUnsupportedError extends HubError {
  constructor(algo: string) {
    super(409, 'Conflict', `Unsupported hash_algo "${algo}": objects on this server are named by sha256`);
  }
}

export class LfsTransferUnsupportedError extends HubError {
  constructor(offered: string[]) {
    super(
      422,
      'UnprocessableEntity',
      `None of the offered transfer adapters (${offered.join(', ') || 'none'}) is supported; this server speaks basic and multipart`,
    );
  }
}

export class LfsTooManyObjectsError extends HubError {
  constructor(count: number, limit: number) {
    super(413, 'PayloadTooLarge', `A batch may name at most ${limit} objects; this one names ${count}`);
  }
}

export class LfsUploadNotFoundError extends HubError {
  constructor() {
    super(404, 'NotFound', 'This upload does not exist or has expired: ask the LFS batch API for a new upload URL');
  }
}

/** Another request is already writing or verifying this upload's bytes. */
export class LfsUploadBusyError extends HubError {
  constructor() {
    super(409, 'Conflict', 'This upload is already being received or verified by another request');
  }
}

/** Express's JSON or form parser consumed the body before it could be streamed into storage. */
export class LfsUploadBodyConsumedError extends HubError {
  constructor(contentType: string) {
    super(
      415,
      'UnsupportedMediaType',
      `Upload bodies must be raw bytes; send them without a "${contentType}" content type (e.g. application/octet-stream)`,
    );
  }
}
