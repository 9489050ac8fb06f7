import { AuthUser } from 'src/common/auth-user';
import { BadRequestError, DisabledRepoError } from 'src/common/errors/hub-error';
import { GitRepoStore } from 'src/git/git-repo-store';
import { GitRepository } from 'src/git/git-repository';
import { RepoRecord } from 'src/repo/repo-record';
import { RepoService } from 'src/repo/repo.service';
import { RepoType } from 'src/repo/repo-types';
import { PageCursor } from 'src/browse/page-cursor';

export interface RepoRef {
  type: RepoType;
  namespace: string;
  name: string;
}

export interface ReadableRepo {
  repo: RepoRecord;
  git: GitRepository;
}

/**
 * The repository if the caller may read it: a private one the caller may not read answers
 * `RepoNotFound` exactly like a missing one, a renamed one redirects, a disabled one is refused.
 */
export async function readableRepo(
  repos: RepoService,
  gitStore: GitRepoStore,
  user: AuthUser | undefined,
  target: RepoRef,
): Promise<ReadableRepo> {
  const repo = await repos.getRepo(user, target.type, target.namespace, target.name);
  if (repo.isDisabled) {
    throw new DisabledRepoError();
  }
  return { repo, git: gitStore.open(repo.storageId) };
}

/**
 * The commit a cursor pinned, checked to still be a commit of this repository (through the
 * cat-file pool: a later page starts no extra git process for it).
 */
export async function pinnedCommit(git: GitRepository, cursor: PageCursor): Promise<string> {
  const header = await git.readBlobHeader(cursor.commitSha);
  if (header?.type !== 'commit') {
    throw new BadRequestError('This pagination cursor names a commit the repository no longer has: start over');
  }
  return cursor.commitSha;
}
