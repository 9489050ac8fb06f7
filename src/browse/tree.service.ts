import { Injectable } from '@nestjs/common';
import { AuthUser } from 'src/common/auth-user';
import { EntryNotFoundError } from 'src/common/errors/hub-error';
import { GitRepoStore } from 'src/git/git-repo-store';
import { checkPath, GitCommitInfo, GitRepository, GitTreeEntry } from 'src/git/git-repository';
import { RepoService } from 'src/repo/repo.service';
import { resolveRevision } from 'src/commit/commit-target';
import { readLfsPointers } from 'src/commit/blob-bytes';
import { LfsPointer } from 'src/commit/lfs-pointer';
import { PathsInfoDto, TreeEntryDto, TreeQueryDto } from 'src/browse/browse.dto';
import { decodeCursor, Page } from 'src/browse/page-cursor';
import { pinnedCommit, readableRepo, RepoRef } from 'src/browse/readable-repo';
import { splitRevisionAndPath } from 'src/browse/revision-path';

/** Page sizes of the Hub: `expand` costs a history walk, so its pages are smaller. */
export const TREE_PAGE_SIZE = 1000;
export const EXPANDED_TREE_PAGE_SIZE = 50;

/** A file or folder of a commit, whichever way it was found (listing or lookup). */
interface PathObject {
  path: string;
  type: 'blob' | 'tree';
  sha: string;
  size?: number;
}

/**
 * Tree listing and paths-info (hf-protocol §3.5, §3.6): entries carry the git ids clients cache
 * by, the real size of LFS files read from their pointers, and with `expand` the last commit that
 * touched each path. Nothing here ever mentions Xet.
 */
@Injectable()
export class TreeService {
  constructor(
    private readonly repos: RepoService,
    private readonly gitStore: GitRepoStore,
  ) {}

  /**
   * One page of `/tree/<revision>/<path>`. The cursor pins the commit of the first page (a listing
   * of a moving branch stays consistent) and names the last path listed, which the next page
   * continues after; only one page is ever held in memory.
   */
  async listTree(
    user: AuthUser | undefined,
    target: RepoRef,
    segments: readonly string[],
    query: TreeQueryDto,
  ): Promise<Page<TreeEntryDto>> {
    const { git } = await readableRepo(this.repos, this.gitStore, user, target);
    const { revision, path } = await splitRevisionAndPath(git, segments);
    const folder = checkPath(path, { allowRoot: true });
    const cursor = query.cursor === undefined ? null : decodeCursor(query.cursor);
    const commitSha = cursor === null ? await resolveRevision(git, revision) : await pinnedCommit(git, cursor);
    const page = await git.lsTreePage(commitSha, folder, {
      recursive: query.recursive === true,
      after: cursor?.position,
      limit: query.limit ?? (query.expand ? EXPANDED_TREE_PAGE_SIZE : TREE_PAGE_SIZE),
    });
    if (page === null) {
      throw new EntryNotFoundError(`No folder "${folder}" at revision ${revision}`, {
        headers: { 'X-Repo-Commit': commitSha },
      });
    }
    const objects = page.entries.filter(
      (entry): entry is GitTreeEntry & PathObject => entry.type === 'blob' || entry.type === 'tree',
    );
    return {
      items: await describe(git, commitSha, objects, query.expand === true),
      next: page.hasMore ? { commitSha, position: page.entries[page.entries.length - 1].path } : null,
    };
  }

  /** The entries for the paths that exist, in the order asked; missing paths are left out. */
  async pathsInfo(
    user: AuthUser | undefined,
    target: RepoRef,
    revision: string,
    dto: PathsInfoDto,
  ): Promise<TreeEntryDto[]> {
    const { git } = await readableRepo(this.repos, this.gitStore, user, target);
    // "sub/" names the folder "sub"; anything else that is not a clean relative path is refused.
    const paths = [...new Set(dto.paths.map((path) => checkPath(path.replace(/\/+$/, ''))))];
    const commitSha = await resolveRevision(git, revision);
    const found = await lookupPaths(git, commitSha, paths);
    return describe(git, commitSha, found, dto.expand === true);
  }
}

/** The paths that exist in the commit, looked up through one cat-file process. */
async function lookupPaths(git: GitRepository, commitSha: string, paths: readonly string[]): Promise<PathObject[]> {
  if (paths.length === 0) {
    return [];
  }
  const probe = git.probeTree(commitSha);
  try {
    const results = await Promise.all(
      paths.map(async (path): Promise<PathObject | null> => {
        // The probe speaks a line protocol; a path with a line break is looked up on its own.
        const entry = path.includes('\n') ? await git.statPath(commitSha, path) : await probe.lookup(path);
        if (entry === null || (entry.type !== 'blob' && entry.type !== 'tree')) {
          return null;
        }
        return entry.type === 'blob'
          ? { path, type: 'blob', sha: entry.sha, size: entry.size }
          : { path, type: 'tree', sha: entry.sha };
      }),
    );
    return results.filter((result): result is PathObject => result !== null);
  } finally {
    probe.close();
  }
}

async function describe(
  git: GitRepository,
  commitSha: string,
  objects: readonly PathObject[],
  isExpanded: boolean,
): Promise<TreeEntryDto[]> {
  const [pointers, lastCommits] = await Promise.all([
    readLfsPointers(
      git,
      objects.filter((object) => object.type === 'blob'),
    ),
    isExpanded && objects.length > 0
      ? git.lastCommitForPaths(
          commitSha,
          objects.map((object) => object.path),
        )
      : Promise.resolve(new Map<string, GitCommitInfo>()),
  ]);
  return objects.map((object) => toTreeEntry(object, pointers.get(object.sha), lastCommits.get(object.path)));
}

function toTreeEntry(object: PathObject, pointer: LfsPointer | undefined, lastCommit?: GitCommitInfo): TreeEntryDto {
  const entry: TreeEntryDto =
    object.type === 'tree'
      ? { type: 'directory', oid: object.sha, size: 0, path: object.path }
      : { type: 'file', oid: object.sha, size: pointer?.size ?? object.size ?? 0, path: object.path };
  if (pointer !== undefined && object.type === 'blob') {
    entry.lfs = { oid: pointer.oid, size: pointer.size, pointerSize: object.size ?? 0 };
  }
  if (lastCommit !== undefined) {
    entry.lastCommit = {
      id: lastCommit.sha,
      title: lastCommit.subject,
      date: lastCommit.committerDate.toISOString(),
    };
  }
  return entry;
}
