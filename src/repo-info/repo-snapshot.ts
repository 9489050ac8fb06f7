import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { readLfsPointers } from 'src/commit/blob-bytes';
import { LfsPointer, parseLfsPointer } from 'src/commit/lfs-pointer';
import { RevisionNotFoundError } from 'src/common/errors/hub-error';
import { GitRepoStore } from 'src/git/git-repo-store';
import { GitRepository, GitTreeEntry } from 'src/git/git-repository';
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

/** Reads the parts of a commit that repo info and the card index describe: date, files, README. */
@Injectable()
export class RepoSnapshotReader {
  constructor(private readonly gitStore: GitRepoStore) {}

  open(storageId: string): GitRepository {
    return this.gitStore.open(storageId);
  }

  /** The committer date of a commit (what `lastModified` reports). */
  async commitDate(git: GitRepository, commitSha: string): Promise<Date> {
    const commit = await git.lookupCommit(commitSha);
    if (commit === null) {
      throw new RevisionNotFoundError(commitSha);
    }
    return commit.committedAt;
  }

  /**
   * Every file of the commit (folders and submodules left out), in git's order. With `withLfs`,
   * pointer files carry the object's id and size; only blobs of a pointer's size are read for it.
   */
  async listFiles(git: GitRepository, commitSha: string, options: { withLfs: boolean }): Promise<RepoFile[]> {
    const entries = (await git.lsTree(commitSha, '', { recursive: true })) ?? [];
    const blobs = entries.filter((entry): entry is GitTreeEntry & { size: number } => entry.type === 'blob');
    const pointers = options.withLfs ? await readLfsPointers(git, blobs) : new Map<string, LfsPointer>();
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
