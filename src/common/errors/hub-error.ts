/**
 * The Hub's error vocabulary. Services throw these; `HubExceptionFilter` renders them as
 * status + `X-Error-Code` + `X-Error-Message` + `{ "error": message }`, which is how the
 * official clients pick their exception classes (hf-protocol §2.4).
 */
export type HubErrorCode =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'Conflict'
  | 'Gone'
  | 'PreconditionFailed'
  | 'PayloadTooLarge'
  | 'UnsupportedMediaType'
  | 'RangeNotSatisfiable'
  | 'UnprocessableEntity'
  | 'TooManyRequests'
  | 'ServerError'
  | 'NotImplemented'
  | 'ServiceUnavailable'
  | 'RepoNotFound'
  | 'RepoExists'
  | 'RevisionNotFound'
  | 'EntryNotFound'
  | 'GatedRepo'
  | 'DisabledRepo'
  | 'InvalidPath'
  | 'QuotaExceeded'
  | 'RepoMoved';

export interface HubErrorOptions {
  /** Extra fields merged into the JSON body (e.g. `url` on a 409 from repo create). */
  body?: Record<string, unknown>;
  /** Extra response headers (e.g. `Retry-After`, `X-Repo-Commit`). */
  headers?: Record<string, string>;
  cause?: unknown;
  /**
   * Answer with a relative `Location` made from the request path with the first `/<from>/` (or a
   * trailing `/<from>`) replaced by `/<to>`: how moved repositories redirect every route at once.
   */
  relocate?: { from: string; to: string };
}

export class HubError extends Error {
  readonly body?: Record<string, unknown>;
  readonly headers?: Record<string, string>;
  readonly relocate?: { from: string; to: string };

  constructor(
    readonly status: number,
    readonly code: HubErrorCode,
    message: string,
    options: HubErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.body = options.body;
    this.headers = options.headers;
    this.relocate = options.relocate;
  }
}

export class BadRequestError extends HubError {
  constructor(message: string, options?: HubErrorOptions) {
    super(400, 'BadRequest', message, options);
  }
}

/** Missing or invalid credentials. `Invalid credentials in Authorization header` is the text the Python client knows. */
export class UnauthorizedError extends HubError {
  constructor(message = 'Authentication required', options?: HubErrorOptions) {
    super(401, 'Unauthorized', message, options);
  }
}

export class ForbiddenError extends HubError {
  constructor(message: string, options?: HubErrorOptions) {
    super(403, 'Forbidden', message, options);
  }
}

export class NotFoundError extends HubError {
  constructor(message: string, options?: HubErrorOptions) {
    super(404, 'NotFound', message, options);
  }
}

export class ConflictError extends HubError {
  constructor(message: string, options?: HubErrorOptions) {
    super(409, 'Conflict', message, options);
  }
}

export class PreconditionFailedError extends HubError {
  constructor(message: string, options?: HubErrorOptions) {
    super(412, 'PreconditionFailed', message, options);
  }
}

export class PayloadTooLargeError extends HubError {
  constructor(message: string, options?: HubErrorOptions) {
    super(413, 'PayloadTooLarge', message, options);
  }
}

export class UnsupportedMediaTypeError extends HubError {
  constructor(message: string, options?: HubErrorOptions) {
    super(415, 'UnsupportedMediaType', message, options);
  }
}

export class RangeNotSatisfiableError extends HubError {
  constructor(size: number) {
    super(416, 'RangeNotSatisfiable', `Requested range is not satisfiable for a file of ${size} bytes`, {
      headers: { 'Content-Range': `bytes */${size}` },
    });
  }
}

export class UnprocessableEntityError extends HubError {
  constructor(message: string, options?: HubErrorOptions) {
    super(422, 'UnprocessableEntity', message, options);
  }
}

export class InvalidPathError extends HubError {
  constructor(path: string, reason: string) {
    super(422, 'InvalidPath', `Invalid path "${path}": ${reason}`);
  }
}

export class TooManyRequestsError extends HubError {
  constructor(message: string, retryAfterSeconds: number) {
    super(429, 'TooManyRequests', message, { headers: { 'Retry-After': String(Math.max(1, retryAfterSeconds)) } });
  }
}

export class ServerError extends HubError {
  constructor(message = 'Internal server error', options?: HubErrorOptions) {
    super(500, 'ServerError', message, options);
  }
}

export class NotImplementedError extends HubError {
  constructor(message: string, options?: HubErrorOptions) {
    super(501, 'NotImplemented', message, options);
  }
}

export class ServiceUnavailableError extends HubError {
  constructor(message: string, options?: HubErrorOptions) {
    super(503, 'ServiceUnavailable', message, options);
  }
}

export class RepoNotFoundError extends HubError {
  constructor(repoId: string, options?: HubErrorOptions) {
    super(404, 'RepoNotFound', `Repository not found: ${repoId}`, options);
  }
}

export class RepoExistsError extends HubError {
  constructor(repoId: string, url: string) {
    super(409, 'RepoExists', `You already created this repo: ${repoId}`, { body: { url } });
  }
}

export class RevisionNotFoundError extends HubError {
  constructor(revision: string, options?: HubErrorOptions) {
    super(404, 'RevisionNotFound', `Invalid rev id: ${revision}`, options);
  }
}

export class EntryNotFoundError extends HubError {
  constructor(message: string, options?: HubErrorOptions) {
    super(404, 'EntryNotFound', message, options);
  }
}

export class GatedRepoError extends HubError {
  constructor(repoId: string, isAuthenticated: boolean) {
    super(
      isAuthenticated ? 403 : 401,
      'GatedRepo',
      `Access to repository ${repoId} is restricted. You must have access to it and be authenticated to access it.`,
    );
  }
}

/** The Python client maps this exact message to `DisabledRepoError`. */
export class DisabledRepoError extends HubError {
  constructor() {
    super(403, 'DisabledRepo', 'Access to this resource is disabled.');
  }
}

export class QuotaExceededError extends HubError {
  constructor(message: string, options?: HubErrorOptions) {
    super(413, 'QuotaExceeded', message, options);
  }
}

/** A repository that was renamed or transferred: clients follow the relative redirect (307). */
export class RepoMovedError extends HubError {
  constructor(from: string, to: string) {
    super(307, 'RepoMoved', `Repository ${from} was moved to ${to}`, { relocate: { from, to } });
  }
}
