import { Injectable } from '@nestjs/common';
import { AuthUser } from 'src/common/auth-user';
import {
  DisabledRepoError,
  EntryNotFoundError,
  GatedRepoError,
  RevisionNotFoundError,
} from 'src/common/errors/hub-error';
import { LfsPointer, MAX_LFS_POINTER_BYTES, parseLfsPointer } from 'src/commit/lfs-pointer';
import { validateRepoPath } from 'src/commit/repo-path';
import { GitRepoStore } from 'src/git/git-repo-store';
import { GitRepository, isRefNameShaped, ResolvedCommit } from 'src/git/git-repository';
import { assertRepoIdSegments, splitRevisionAndPath } from 'src/download/file-target';
import { RepoAccess } from 'src/repo/repo-access';
import { RepoRecord } from 'src/repo/repo-record';
import { RepoService } from 'src/repo/repo.service';
import { RepoType } from 'src/repo/repo-types';

/** A file URL as routed: the repository and the segments after `/resolve/` or `/raw/`. */
export interface RepoFileRequest {
  type: RepoType;
  namespace: string;
  name: string;
  segments: readonly string[];
}

/** A file of a revision the caller may read. */
export interface LocatedFile {
  repo: RepoRecord;
  git: GitRepository;
  revision: string;
  commit: ResolvedCommit;
  path: string;
  blobSha: string;
  /** Size of the git blob (for an LFS file, the size of its pointer). */
  blobSize: number;
  /** The blob's bytes when it is small enough to be an LFS pointer, read once to tell. */
  smallContent: Buffer | null;
  /** The object the blob points to, when the blob is an LFS pointer. */
  lfs: LfsPointer | null;
}

/**
 * Finds the file a resolve or raw URL names, checking everything in the order that leaks nothing:
 * the repository and the caller's access (a private repository answers like a missing one, a
 * moved one redirects), the revision, then the path. Git is asked through the pooled `cat-file`
 * processes only, so a HEAD costs no process start.
 */
@Injectable()
export class RepoFileLocator {
  constructor(
    private readonly repos: RepoService,
    private readonly access: RepoAccess,
    private readonly gitStore: GitRepoStore,
  ) {}

  async locate(user: AuthUser | undefined, request: RepoFileRequest): Promise<LocatedFile> {
    assertRepoIdSegments(request.namespace, request.name);
    const repo = await this.repos.getRepo(user, request.type, request.namespace, request.name, 'read');
    await this.assertContentReadable(user, repo);
    const { revision, path } = splitRevisionAndPath(request.segments);
    const git = this.gitStore.open(repo.storageId);
    const commit = isRefNameShaped(revision) ? await git.lookupCommit(revision) : null;
    if (commit === null) {
      throw new RevisionNotFoundError(revision);
    }
    // Python caches a missing file per commit (`.no_exist/<commit>/…`), so the 404 names the commit.
    const entryNotFound = () =>
      new EntryNotFoundError(`Entry not found: ${path === '' ? '(no path)' : path} at revision ${revision}`, {
        headers: { 'X-Repo-Commit': commit.sha },
      });
    if (path === '') {
      throw entryNotFound();
    }
    validateRepoPath(path);
    const object = await git.lookupPath(commit.sha, path);
    if (object === null || object.type !== 'blob') {
      throw entryNotFound();
    }
    const smallContent =
      object.size <= MAX_LFS_POINTER_BYTES ? await git.readSmallBlob(object.sha, MAX_LFS_POINTER_BYTES) : null;
    return {
      repo,
      git,
      revision,
      commit,
      path,
      blobSha: object.sha,
      blobSize: object.size,
      smallContent,
      lfs: smallContent === null ? null : parseLfsPointer(smallContent),
    };
  }

  /**
   * A disabled repository serves nothing. A gated one serves its files only to callers with access
   * of their own (owner, organisation members, administrators), not to those who merely see it
   * because it is public: 401 for anonymous callers, 403 otherwise, as the Hub answers.
   */
  private async assertContentReadable(user: AuthUser | undefined, repo: RepoRecord): Promise<void> {
    if (repo.isDisabled) {
      throw new DisabledRepoError();
    }
    if (repo.gated !== null && (await this.access.permissionFor(user, { ...repo, isPrivate: true })) === 'none') {
      throw new GatedRepoError(repo.fullId, user !== undefined);
    }
  }
}
