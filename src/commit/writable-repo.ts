import { AuthUser } from 'src/common/auth-user';
import { RepoMovedError, RepoNotFoundError } from 'src/common/errors/hub-error';
import { RepoRecord } from 'src/repo/repo-record';
import { RepoService } from 'src/repo/repo.service';
import { RepoType } from 'src/repo/repo-types';

/**
 * The repository if the caller may write to it. Writes never follow a rename redirect: a body
 * streamed to a former name is not replayed, so the old name answers like a missing repository.
 */
export async function writableRepo(
  repos: RepoService,
  user: AuthUser,
  type: RepoType,
  namespace: string,
  name: string,
): Promise<RepoRecord> {
  try {
    return await repos.getRepo(user, type, namespace, name, 'write');
  } catch (error) {
    if (error instanceof RepoMovedError) {
      throw new RepoNotFoundError(`${namespace}/${name}`);
    }
    throw error;
  }
}
