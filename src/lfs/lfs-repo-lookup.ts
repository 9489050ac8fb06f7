import { AuthUser } from 'src/common/auth-user';
import { RequiredRepoPermission } from 'src/repo/repo-access';
import { RepoRecord } from 'src/repo/repo-record';
import { RepoService } from 'src/repo/repo.service';
import { RepoType } from 'src/repo/repo-types';

/** The repository an LFS route (`{remote}.git/info/lfs/…`) names. */
export interface LfsRepoTarget {
  type: RepoType;
  namespace: string;
  name: string;
}

/** The repository an LFS route names, with `needed` access. */
export function findLfsRepo(
  repos: RepoService,
  user: AuthUser | undefined,
  target: LfsRepoTarget,
  needed: RequiredRepoPermission,
): Promise<RepoRecord> {
  return repos.getRepo(user, target.type, target.namespace, target.name, needed);
}
