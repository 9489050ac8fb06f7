import { RangeNotSatisfiableError } from 'src/common/errors/hub-error';
import { BlobByteRange } from 'src/storage/blob-storage';

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/i;

/**
 * The one byte range a `Range` header asks of a representation of `size` bytes, clamped to it
 * (RFC 9110 §14). `undefined` means "send everything": no header, another unit, several ranges,
 * or a malformed one, which a server may ignore. A range that starts at or past the end, or an
 * empty suffix, throws `RangeNotSatisfiableError` (416 with `Content-Range: bytes *\/size`).
 */
export function parseByteRange(header: string | undefined, size: number): BlobByteRange | undefined {
  const match = header === undefined ? null : SINGLE_RANGE.exec(header.trim());
  if (match === null) {
    return undefined;
  }
  const [, first, last] = match;
  if (first === '' && last === '') {
    return undefined;
  }
  if (first === '') {
    const suffix = Number(last);
    if (!Number.isSafeInteger(suffix)) {
      return undefined;
    }
    if (suffix === 0 || size === 0) {
      throw new RangeNotSatisfiableError(size);
    }
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? Number.MAX_SAFE_INTEGER : Number(last);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) {
    return undefined;
  }
  if (start >= size) {
    throw new RangeNotSatisfiableError(size);
  }
  return { start, end: Math.min(end, size - 1) };
}
