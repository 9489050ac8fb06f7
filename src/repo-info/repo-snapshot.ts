import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { formatLfsPointer, LfsPointer, MAX_LFS_POINTER_BYTES, parseLfsPointer } from 'src/commit/lfs-pointer';
import { GitRepoStore } from 'src/git/git-repo-store';
import { GitRepository, GitTreeEntry } from 'src/git/git-repository';
import { forEachLimited } from 'src/repo-info/for-each-limited';
import { parseReadme, ParsedReadme } from 'src/repo-info/repo-card';

/** A file of a commit as siblings describe it. */
export interface RepoFile {
  path: string;
  /** The git blob id (for an LFS file, the pointer's). */
  blobId: string;
  /** Bytes of the content: the object's size for an LFS file. */
  size: number;
  lfs?: { sha256: string; size: number; pointerSize: number };
}

export const README_PATH = 'README.md';
/** The card is read from the start of the README only: metadata comes first, and prose is a teaser. */
const MAX_README_BYTES = 1024 * 1024;
/** The smallest pointer git-lfs can write; smaller blobs are never read to look for one. */
const MIN_LFS_POINTER_BYTES = formatLfsPointer({ oid: '0'.repeat(64), size: 0 }).length;
/** `git cat-file` processes the pool keeps per repository: pointer reads use them all. */
const POINTER_READ_CONCURRENCY = 4;
/** Blob ids are content addresses, so what a blob is (pointer or not) never changes: remember it. */
const POINTER_CACHE_ENTRIES = 50_000;

/** A Map that forgets its least recently used entries beyond `capacity`. */
class LruMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  has(key: K): boolean {
    return this.entries.has(key);
  }

  get(key: K): V | undefined {
    if (!this.entries.has(key)) {
      return undefined;
    }
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value as K);
    }
  }
}

/** Reads the parts of a commit that repo info and the card index describe: date, files, README. */
@Injectable()
export class RepoSnapshotReader {
  private readonly pointers = new LruMap<string, LfsPointer | null>(POINTER_CACHE_ENTRIES);

  constructor(private readonly gitStore: GitRepoStore) {}

  open(storageId: string): GitRepository {
    return this.gitStore.open(storageId);
  }

  /** The committer date of a commit (what `lastModified` reports). */
  async commitDate(git: GitRepository, commitSha: string): Promise<Date> {
    const [commit] = await git.log(commitSha, { limit: 1 });
    return commit.committerDate;
  }

  /**
   * Every file of the commit (folders and submodules left out), in git's order. With `withLfs`,
   * pointer files carry the object's id and size; only blobs of a pointer's size are read for it.
   */
  async listFiles(git: GitRepository, commitSha: string, options: { withLfs: boolean }): Promise<RepoFile[]> {
    const entries = (await git.lsTree(commitSha, '', { recursive: true })) ?? [];
    const blobs = entries.filter((entry): entry is GitTreeEntry & { size: number } => entry.type === 'blob');
    const pointers = options.withLfs ? await this.readPointers(git, blobs) : new Map<string, LfsPointer>();
    return blobs.map((entry) => {
      const pointer = pointers.get(entry.sha);
      return pointer === undefined
        ? { path: entry.path, blobId: entry.sha, size: entry.size }
        : {
            path: entry.path,
            blobId: entry.sha,
            size: pointer.size,
            lfs: { sha256: pointer.oid, size: pointer.size, pointerSize: entry.size },
          };
    });
  }

  /**
   * The root README of the commit, parsed; null when there is none (or it is itself an LFS
   * pointer). `files` (from `listFiles`) spares a lookup when the caller already has them.
   */
  async readReadme(git: GitRepository, commitSha: string, files?: readonly RepoFile[]): Promise<ParsedReadme | null> {
    const blobId = files
      ? files.find((file) => file.path === README_PATH)?.blobId
      : await git.statPath(commitSha, README_PATH).then((entry) => (entry?.type === 'blob' ? entry.sha : undefined));
    if (blobId === undefined) {
      return null;
    }
    const blob = await git.readBlob(blobId);
    if (blob === null) {
      return null;
    }
    const content = await readPrefix(blob.body, MAX_README_BYTES);
    if (parseLfsPointer(content) !== null) {
      return null;
    }
    return parseReadme(content.toString('utf8'));
  }

  private async readPointers(git: GitRepository, blobs: readonly GitTreeEntry[]): Promise<Map<string, LfsPointer>> {
    const found = new Map<string, LfsPointer>();
    const toRead: string[] = [];
    for (const sha of new Set(
      blobs
        .filter((blob) => (blob.size ?? 0) >= MIN_LFS_POINTER_BYTES && (blob.size ?? 0) <= MAX_LFS_POINTER_BYTES)
        .map((blob) => blob.sha),
    )) {
      if (this.pointers.has(sha)) {
        const known = this.pointers.get(sha);
        if (known) {
          found.set(sha, known);
        }
      } else {
        toRead.push(sha);
      }
    }
    await forEachLimited(toRead, POINTER_READ_CONCURRENCY, async (sha) => {
      const blob = await git.readBlob(sha);
      if (blob === null) {
        return;
      }
      const pointer = parseLfsPointer(await readPrefix(blob.body, MAX_LFS_POINTER_BYTES));
      this.pointers.set(sha, pointer);
      if (pointer !== null) {
        found.set(sha, pointer);
      }
    });
    return found;
  }
}

/** At most `max` bytes from the start of a stream, which is then closed. */
async function readPrefix(body: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= max) {
        break;
      }
    }
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, max);
}

/** Bytes of the distinct blobs and LFS objects among `files`. */
export function storageOf(files: readonly RepoFile[]): number {
  const sizes = new Map<string, number>();
  for (const file of files) {
    sizes.set(file.lfs ? `lfs:${file.lfs.sha256}` : `blob:${file.blobId}`, file.size);
  }
  let total = 0;
  for (const size of sizes.values()) {
    total += size;
  }
  return total;
}
