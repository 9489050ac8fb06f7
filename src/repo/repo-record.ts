import { RepoEntity } from 'src/repo/repo.entity';
import { GatedMode, RepoType, webPrefixOf } from 'src/repo/repo-types';
import { RepoAccessTarget } from 'src/repo/repo-access';

/** A repository as the other modules see it (never the entity). */
export interface RepoRecord extends RepoAccessTarget {
  id: number;
  storageId: string;
  type: RepoType;
  namespace: string;
  name: string;
  gated: GatedMode | null;
  isDisabled: boolean;
  sdk: string | null;
  defaultBranch: string;
  lfsThresholdBytes: number | null;
  lfsSuffixRules: string[];
  downloads: number;
  likes: number;
  createdAt: Date;
  updatedAt: Date;
}

function parseSuffixRules(raw: string | null): string[] {
  if (!raw) {
    return [];
  }
  const parsed: unknown = JSON.parse(raw);
  return Array.isArray(parsed) ? parsed.filter((rule): rule is string => typeof rule === 'string') : [];
}

/** The entity must have its `owner` loaded. */
export function toRepoRecord(entity: RepoEntity): RepoRecord {
  if (!entity.owner) {
    throw new Error(`Repository ${entity.id} was loaded without its owner`);
  }
  return {
    id: entity.id,
    storageId: entity.storageId,
    type: entity.type,
    namespace: entity.owner.username,
    name: entity.name,
    fullId: `${entity.owner.username}/${entity.name}`,
    ownerId: entity.ownerId,
    ownerIsOrg: entity.owner.isOrg,
    creatorId: entity.creatorId,
    isPrivate: entity.isPrivate,
    gated: entity.gated,
    isDisabled: entity.isDisabled,
    sdk: entity.sdk,
    defaultBranch: entity.defaultBranch,
    lfsThresholdBytes: entity.lfsThresholdBytes,
    lfsSuffixRules: parseSuffixRules(entity.lfsSuffixRules),
    downloads: entity.downloads,
    likes: entity.likes,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  };
}

/** `<base>/<prefix><ns>/<name>`: the web URL of a repository. */
export function repoWebUrl(baseUrl: string, repo: Pick<RepoRecord, 'type' | 'namespace' | 'name'>): string {
  return `${baseUrl}/${webPrefixOf(repo.type)}${repo.namespace}/${repo.name}`;
}
