import { HubError, RangeNotSatisfiableError } from 'src/common/errors/hub-error';
import { parseByteRange } from 'src/lfs/byte-range';
import { attachmentDisposition, BlobByteRange } from 'src/storage/blob-storage';

const JSON_TYPE = 'application/json';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const BINARY_TYPE = 'application/octet-stream';

/**
 * Text formats common in repositories. Everything else is served as bytes: repository content
 * is user content, so it is never given a type a browser would render as a page.
 */
const TEXT_EXTENSIONS = new Set([
  'txt',
  'md',
  'markdown',
  'rst',
  'csv',
  'tsv',
  'jsonl',
  'yaml',
  'yml',
  'toml',
  'ini',
  'cfg',
  'py',
  'sh',
  'gitattributes',
  'gitignore',
]);

/** The file name a path ends with. */
export function fileNameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function contentTypeOf(path: string): string {
  const name = fileNameOf(path).toLowerCase();
  const extension = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : '';
  if (extension === 'json') {
    return JSON_TYPE;
  }
  return TEXT_EXTENSIONS.has(extension) ? TEXT_TYPE : BINARY_TYPE;
}

/** `inline` with an ASCII fallback name and the exact UTF-8 name (RFC 6266, RFC 5987 `filename*`). */
export function inlineDisposition(path: string): string {
  return attachmentDisposition(fileNameOf(path)).replace(/^attachment/, 'inline');
}

/** The whole file, one inclusive byte range of it, or the empty range of an empty file. */
export type RequestedBytes = { kind: 'all' } | { kind: 'range'; range: BlobByteRange } | { kind: 'empty' };

/**
 * What a `Range` header asks of a file of `size` bytes (RFC 9110 §14.2: anything malformed, or
 * several ranges, is ignored and the whole file is sent). Past the end is a 416 carrying
 * `Content-Range: bytes *\/size` and `extraHeaders`. An empty file asked from byte 0 answers the
 * empty range: the JS client probes every file with `bytes=0-0` and reads the total from a 206
 * (hf-protocol §3.7), which a strict 416 would break.
 */
export function requestedBytes(
  header: string | undefined,
  size: number,
  extraHeaders: Record<string, string> = {},
): RequestedBytes {
  if (size === 0 && header !== undefined && /^bytes=0-\d*$/i.test(header.trim())) {
    return { kind: 'empty' };
  }
  try {
    const range = parseByteRange(header, size);
    return range === undefined ? { kind: 'all' } : { kind: 'range', range };
  } catch (error) {
    if (error instanceof RangeNotSatisfiableError) {
      throw new HubError(error.status, error.code, error.message, { headers: { ...error.headers, ...extraHeaders } });
    }
    throw error;
  }
}
