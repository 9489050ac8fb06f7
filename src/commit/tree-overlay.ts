import { GitBlobMode } from 'src/git/git-repository';
import { LfsPointer } from 'src/commit/lfs-pointer';
import { isInFolder, parentFolders } from 'src/commit/repo-path';
import { ProbedEntry } from 'src/git/tree-probe';

/** A file written by the commit being built. */
export interface OverlayFile {
  sha: string;
  mode: GitBlobMode;
  /** Set when the blob is an LFS pointer. */
  lfs: LfsPointer | null;
}

export interface BaseTree {
  lookup(path: string): Promise<ProbedEntry | null>;
}

/**
 * The tree a commit is building, as seen by the operations still to come: the base commit's
 * tree (asked lazily through `BaseTree`) with this commit's additions and deletions on top, in
 * order. It answers the questions validation needs (is there a file here, a folder there?)
 * without listing the whole base tree.
 */
export class TreeOverlay {
  /** Files written (an entry) or deleted (null) by the commit so far. */
  private readonly files = new Map<string, OverlayFile | null>();
  private readonly deletedFolders: string[] = [];

  constructor(private readonly base: BaseTree) {}

  /** Where the file at `path` comes from now: the commit so far, the base tree, or nowhere (null). */
  async fileAt(path: string): Promise<{ written: OverlayFile } | { base: ProbedEntry } | null> {
    const written = this.files.get(path);
    if (written !== undefined) {
      return written === null ? null : { written };
    }
    if (this.isUnderDeletedFolder(path)) {
      return null;
    }
    const entry = await this.base.lookup(path);
    return entry !== null && entry.type === 'blob' ? { base: entry } : null;
  }

  async hasFolder(folder: string): Promise<boolean> {
    for (const [path, file] of this.files) {
      if (file !== null && path.startsWith(`${folder}/`)) {
        return true;
      }
    }
    if (this.isUnderDeletedFolder(folder)) {
      return false;
    }
    const entry = await this.base.lookup(folder);
    return entry !== null && entry.type === 'tree';
  }

  put(path: string, file: OverlayFile): void {
    this.files.set(path, file);
  }

  deleteFile(path: string): void {
    this.files.set(path, null);
  }

  deleteFolder(folder: string): void {
    for (const path of [...this.files.keys()]) {
      if (isInFolder(path, folder)) {
        this.files.delete(path);
      }
    }
    this.deletedFolders.push(folder);
  }

  /** The state of one path written or deleted by the commit, or undefined if it did not touch it. */
  written(path: string): OverlayFile | null | undefined {
    const file = this.files.get(path);
    if (file !== undefined) {
      return file;
    }
    return this.isUnderDeletedFolder(path) ? null : undefined;
  }

  /** LFS files the commit writes and keeps. */
  lfsFiles(): { path: string; pointer: LfsPointer }[] {
    const result: { path: string; pointer: LfsPointer }[] = [];
    for (const [path, file] of this.files) {
      if (file?.lfs) {
        result.push({ path, pointer: file.lfs });
      }
    }
    return result;
  }

  private isUnderDeletedFolder(path: string): boolean {
    if (this.deletedFolders.length === 0) {
      return false;
    }
    const candidates = new Set([...parentFolders(path), path]);
    return this.deletedFolders.some((folder) => candidates.has(folder));
  }
}
