import { forEachLimited } from 'src/common/for-each-limited';
import { formatLfsPointer, LfsPointer, MAX_LFS_POINTER_BYTES, parseLfsPointer } from 'src/commit/lfs-pointer';
import { GitRepository } from 'src/git/git-repository';

/** The smallest pointer git-lfs reads (its own, without the final newline); smaller blobs are never read. */
const MIN_LFS_POINTER_BYTES = formatLfsPointer({ oid: '0'.repeat(64), size: 0 }).length - 1;
/** `git cat-file` processes the pool keeps per repository: pointer reads use them all. */
const POINTER_READ_CONCURRENCY = 4;

/**
 * The LFS pointers among `blobs`, by blob id. Only blobs of a pointer's size are read, each once,
 * through the cat-file pool (and the object cache behind `readSmallBlob`).
 */
export async function readLfsPointers(
  git: GitRepository,
  blobs: readonly { sha: string; size?: number }[],
): Promise<Map<string, LfsPointer>> {
  const candidates = new Set(
    blobs
      .filter(
        (blob) => blob.size !== undefined && blob.size >= MIN_LFS_POINTER_BYTES && blob.size <= MAX_LFS_POINTER_BYTES,
      )
      .map((blob) => blob.sha),
  );
  const pointers = new Map<string, LfsPointer>();
  await forEachLimited([...candidates], POINTER_READ_CONCURRENCY, async (sha) => {
    const content = await git.readSmallBlob(sha, MAX_LFS_POINTER_BYTES);
    const pointer = content === null ? null : parseLfsPointer(content);
    if (pointer !== null) {
      pointers.set(sha, pointer);
    }
  });
  return pointers;
}
