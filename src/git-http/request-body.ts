import { Request } from 'express';
import { Readable, Transform, TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from 'src/common/errors/hub-error';

/** The body grew past its limit; `limit` is what was allowed. */
export class BodyLimitExceededError extends PayloadTooLargeError {
  constructor(
    readonly limit: number,
    message: string,
  ) {
    super(message);
  }
}

export class InvalidGzipBodyError extends BadRequestError {
  constructor() {
    super('The request body is not valid gzip data');
  }
}

/** A request body as git sent it, decompressed, with the bytes seen so far. */
export interface DecodedBody {
  stream: Readable;
  /** Bytes that came out of decompression so far (all of them once `stream` has ended). */
  bytesRead(): number;
}

class ByteLimit extends Transform {
  bytes = 0;

  constructor(
    private readonly limit: number,
    private readonly tooLarge: (limit: number) => Error,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      callback(this.tooLarge(this.limit));
      return;
    }
    callback(null, chunk);
  }
}

/**
 * The request body, gunzipped when git sent it with `Content-Encoding: gzip` (it does for large
 * negotiation requests), failing with `tooLarge` once more than `limit` bytes came out, so neither
 * a long body nor a small gzip bomb runs unbounded. Any other encoding is a 415.
 *
 * On failure the request itself is only detached, never destroyed: the connection must stay open
 * for the answer (git shows it), and the caller decides how much of the rest to read.
 */
export function decodeGitBody(request: Request, limit: number, tooLarge: (limit: number) => Error): DecodedBody {
  const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'x-gzip') {
    throw new UnsupportedMediaTypeError(`Unsupported Content-Encoding "${encoding}": send the body plain or gzipped`);
  }
  const limiter = new ByteLimit(limit, tooLarge);
  const gunzip = encoding === 'identity' ? undefined : createGunzip();
  const entry = gunzip ?? limiter;
  // Readers attach their own handlers; this one only keeps an error raised before they do from
  // being an uncaught exception.
  limiter.on('error', () => {
    request.unpipe(entry);
    gunzip?.destroy();
  });
  if (gunzip !== undefined) {
    gunzip.on('error', () => limiter.destroy(new InvalidGzipBodyError()));
    gunzip.pipe(limiter);
  }
  request.on('error', (error) => limiter.destroy(error));
  request.on('aborted', () => limiter.destroy(new Error('The client closed the connection')));
  request.pipe(entry);
  return { stream: limiter, bytesRead: () => limiter.bytes };
}
