import { createHash } from 'node:crypto';

export const LFS_POINTER_VERSION = 'https://git-lfs.github.com/spec/v1';
/** git-lfs never writes pointers larger than this, and never reads larger blobs as pointers. */
export const MAX_LFS_POINTER_BYTES = 1024;
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;

export interface LfsPointer {
  oid: string;
  size: number;
}

/** The pointer file git-lfs writes for an object (keys sorted, `version` first, LF endings). */
export function formatLfsPointer(pointer: LfsPointer): Buffer {
  return Buffer.from(`version ${LFS_POINTER_VERSION}\noid sha256:${pointer.oid}\nsize ${pointer.size}\n`, 'utf8');
}

/**
 * Reads a blob as an LFS pointer (git-lfs spec): small, `version` first, a sha256 `oid` and a
 * `size`; other keys are allowed. Returns null for anything that is not a pointer.
 */
export function parseLfsPointer(content: Buffer): LfsPointer | null {
  if (content.length === 0 || content.length > MAX_LFS_POINTER_BYTES) {
    return null;
  }
  const lines = content.toString('utf8').split('\n');
  if (lines[lines.length - 1] === '') {
    lines.pop();
  }
  if (lines[0] !== `version ${LFS_POINTER_VERSION}`) {
    return null;
  }
  let oid: string | undefined;
  let size: number | undefined;
  for (const line of lines.slice(1)) {
    const space = line.indexOf(' ');
    if (space <= 0) {
      return null;
    }
    const key = line.slice(0, space);
    const value = line.slice(space + 1);
    if (key === 'oid') {
      const match = /^sha256:([0-9a-f]{64})$/.exec(value);
      if (match === null) {
        return null;
      }
      oid = match[1];
    } else if (key === 'size') {
      if (!/^\d{1,16}$/.test(value)) {
        return null;
      }
      size = Number(value);
    }
  }
  return oid !== undefined && size !== undefined && Number.isSafeInteger(size) ? { oid, size } : null;
}

/** The id git gives a blob with this content (`git hash-object`), computed without git. */
export function gitBlobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}
