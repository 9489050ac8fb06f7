import { createHash, Hash } from 'node:crypto';
import { Readable, Transform, TransformCallback } from 'node:stream';
import { RangeNotSatisfiableError } from 'src/common/errors/hub-error';
import {
  BlobSizeMismatchError,
  InvalidBlobKeyError,
  InvalidBlobRangeError,
  InvalidMultipartPartError,
} from 'src/storage/storage.errors';

/** Inclusive byte range, as in an HTTP `Range: bytes=start-end` header. */
export interface BlobByteRange {
  start: number;
  end: number;
}

export interface PutBlobOptions {
  /** When given, the body must deliver exactly this many bytes or `put` fails with `BlobSizeMismatchError`. */
  size?: number;
  contentType?: string;
}

export interface BlobReadResult {
  /** Destroy it if you stop reading early: it holds a file handle or a connection. */
  body: Readable;
  /** Size of the whole object, whatever range was read. */
  size: number;
  /** Number of bytes `body` delivers. */
  contentLength: number;
}

export interface BlobHead {
  size: number;
  lastModified: Date;
  etag?: string;
}

export interface BlobListEntry {
  key: string;
  size: number;
  lastModified: Date;
}

export interface UploadedPart {
  partNumber: number;
  /** As returned by `uploadPart` or by the object store to the client, quotes included or not. */
  etag: string;
}

export interface PresignGetOptions {
  expiresInSeconds: number;
  /** Served back as an attachment `Content-Disposition` under this name. */
  filename?: string;
  contentType?: string;
}

export interface PresignPutOptions {
  expiresInSeconds: number;
}

/**
 * Where blob bytes live (architecture D2). Keys are relative, slash-separated paths such as
 * `lfs/ab/cd/<sha256>` or `staging/<uuid>`; every method rejects a malformed key with
 * `InvalidBlobKeyError`. Bodies are streams end to end so memory stays bounded whatever the size.
 *
 * This abstract class is also the Nest injection token; `StorageModule` binds it to the adapter
 * chosen by `config.storage.driver`.
 */
export abstract class BlobStorage {
  /** Stores `body` at `key`, replacing any object there. A failed or aborted body stores nothing. */
  abstract put(key: string, body: Readable, options?: PutBlobOptions): Promise<{ size: number }>;

  /**
   * Opens `key` for reading, optionally one inclusive byte range of it (an `end` past the last byte
   * is clamped). Throws `BlobNotFoundError` when absent and `RangeNotSatisfiableError` when `start`
   * lies at or beyond the end of the object.
   */
  abstract get(key: string, range?: BlobByteRange): Promise<BlobReadResult>;

  /** Metadata of `key`, or null when it does not exist. */
  abstract head(key: string): Promise<BlobHead | null>;

  /** Removes `key`; removing a missing key succeeds. */
  abstract delete(key: string): Promise<void>;

  /** Renames `from` to `to`, replacing `to`; used to promote a verified upload out of staging. */
  abstract move(from: string, to: string): Promise<void>;

  /**
   * Every object whose key starts with `prefix` (plain string prefix, as in S3; `''` lists all).
   * The order is unspecified. Objects are yielded while the listing proceeds, so memory stays flat.
   */
  abstract list(prefix: string): AsyncIterable<BlobListEntry>;

  /** Starts a multipart upload whose completed object will be stored at `key`. */
  abstract createMultipartUpload(key: string): Promise<string>;

  /** Stores part `partNumber` (1–10000) of an upload; uploading the same number again replaces it. */
  abstract uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Readable,
    size?: number,
  ): Promise<{ etag: string }>;

  /**
   * A URL a client can PUT the part to directly, or null when the application must receive the
   * bytes itself and call `uploadPart`.
   */
  abstract presignUploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    expiresInSeconds: number,
  ): Promise<string | null>;

  /** Joins the listed parts, in part-number order, into the object at `key`. */
  abstract completeMultipartUpload(key: string, uploadId: string, parts: UploadedPart[]): Promise<{ size: number }>;

  /** Discards an upload and its parts; aborting an unknown upload succeeds. */
  abstract abortMultipartUpload(key: string, uploadId: string): Promise<void>;

  /** A URL anyone can GET the object from until it expires, or null when the application serves it. */
  abstract presignGet(key: string, options: PresignGetOptions): Promise<string | null>;

  /**
   * A URL a client can PUT the object to with a bare request (no signed header but `Host`), or null
   * when the application receives uploads itself.
   */
  abstract presignPut(key: string, options: PresignPutOptions): Promise<string | null>;

  /** Creates what the store needs (root folder, bucket). Idempotent. */
  abstract ensureReady(): Promise<void>;

  /** Resolves when the store can be read and written; throws `StorageUnavailableError` with a short reason otherwise. */
  abstract healthCheck(): Promise<void>;
}

const MAX_KEY_BYTES = 1024;
const MAX_SEGMENT_BYTES = 255;
export const MAX_PART_NUMBER = 10_000;
/** Longest validity S3 accepts for a presigned URL; the same bound keeps fs-signed URLs comparable. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

function hasControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
      return true;
    }
  }
  return false;
}

function blobKeyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key === '') {
    return 'is empty';
  }
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
    return `is longer than ${MAX_KEY_BYTES} bytes`;
  }
  if (hasControlCharacter(key)) {
    return 'contains a control character';
  }
  if (key.includes('\\')) {
    return 'contains a backslash';
  }
  if (key.startsWith('/')) {
    return 'starts with "/"';
  }
  for (const segment of key.split('/')) {
    if (segment === '') {
      return 'has an empty segment';
    }
    // Covers "." and ".."; dot-names are also reserved so the fs adapter can keep its internal folder.
    if (segment.startsWith('.')) {
      return 'has a segment starting with "."';
    }
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) {
      return `has a segment longer than ${MAX_SEGMENT_BYTES} bytes`;
    }
  }
  return undefined;
}

export function assertValidBlobKey(key: string): void {
  const problem = blobKeyProblem(key);
  if (problem !== undefined) {
    throw new InvalidBlobKeyError(key, problem);
  }
}

/** A list prefix is a key, or a key followed by `/`, or `''` for everything. */
export function assertValidBlobPrefix(prefix: string): void {
  if (prefix === '') {
    return;
  }
  assertValidBlobKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}

export function assertValidRange(range: BlobByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new InvalidBlobRangeError(start, end);
  }
}

/** The part of `range` that exists in an object of `size` bytes. */
export function clampRange(range: BlobByteRange, size: number): BlobByteRange {
  if (range.start >= size) {
    throw new RangeNotSatisfiableError(size);
  }
  return { start: range.start, end: Math.min(range.end, size - 1) };
}

export function assertValidPartNumber(partNumber: number): void {
  if (!Number.isSafeInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw new InvalidMultipartPartError(`Part number must be an integer from 1 to ${MAX_PART_NUMBER}: ${partNumber}`);
  }
}

export function assertValidExpiry(expiresInSeconds: number): void {
  if (!Number.isSafeInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_PRESIGN_SECONDS) {
    throw new RangeError(`expiresInSeconds must be an integer from 1 to ${MAX_PRESIGN_SECONDS}: ${expiresInSeconds}`);
  }
}

/** Validates a completion's part list and returns it in part-number order, as both stores require. */
export function orderParts(parts: UploadedPart[]): UploadedPart[] {
  if (parts.length === 0) {
    throw new InvalidMultipartPartError('A multipart upload needs at least one part');
  }
  const ordered = [...parts].sort((a, b) => a.partNumber - b.partNumber);
  ordered.forEach((part, index) => {
    assertValidPartNumber(part.partNumber);
    if (index > 0 && ordered[index - 1].partNumber === part.partNumber) {
      throw new InvalidMultipartPartError(`Part ${part.partNumber} is listed twice`);
    }
  });
  return ordered;
}

/** Etags compare without quotes or a weak prefix: clients echo them back in either form. */
export function normalizeEtag(etag: string): string {
  return etag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
}

/** `attachment` disposition with an ASCII fallback and the exact UTF-8 name (RFC 6266). */
export function attachmentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * Pass-through stream that counts bytes (and optionally hashes them) and fails as soon as the count
 * disagrees with the announced size, so a short or overlong body never becomes a stored object.
 */
export class MeteredStream extends Transform {
  bytes = 0;
  private readonly hash?: Hash;

  constructor(
    private readonly expectedSize?: number,
    hashAlgorithm?: 'md5' | 'sha256',
  ) {
    super();
    this.hash = hashAlgorithm === undefined ? undefined : createHash(hashAlgorithm);
  }

  /** Hex digest of everything that passed; call once, after the stream finished. */
  digest(): string {
    if (this.hash === undefined) {
      throw new Error('MeteredStream was created without a hash algorithm');
    }
    return this.hash.digest('hex');
  }

  override _transform(chunk: Buffer | string, encoding: BufferEncoding, callback: TransformCallback): void {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
    this.bytes += buffer.length;
    if (this.expectedSize !== undefined && this.bytes > this.expectedSize) {
      callback(new BlobSizeMismatchError(this.expectedSize, this.bytes));
      return;
    }
    this.hash?.update(buffer);
    callback(null, buffer);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expectedSize !== undefined && this.bytes !== this.expectedSize) {
      callback(new BlobSizeMismatchError(this.expectedSize, this.bytes));
      return;
    }
    callback();
  }
}
