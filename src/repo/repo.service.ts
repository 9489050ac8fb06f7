import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { MembershipsService } from 'src/auth/memberships.service';
import { normalizeName } from 'src/auth/names';
import { repoNameProblem } from 'src/auth/repo-name-registry';
import { NamespaceOwner, UsersService } from 'src/auth/users.service';
import { AuthUser } from 'src/common/auth-user';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RepoExistsError,
  RepoMovedError,
  RepoNotFoundError,
} from 'src/common/errors/hub-error';
import { HubConfig } from 'src/config/hub-config';
import { isUniqueViolation } from 'src/database/unique-violation';
import { GitRepoStore } from 'src/git/git-repo-store';
import { DEFAULT_GITATTRIBUTES } from 'src/repo/default-gitattributes';
import { commitIdentity } from 'src/repo/git-identity';
import { RepoAccess, RequiredRepoPermission } from 'src/repo/repo-access';
import { RepoRecord, repoWebUrl, toRepoRecord } from 'src/repo/repo-record';
import { RepoRepository } from 'src/repo/repo.repository';
import { RepoType } from 'src/repo/repo-types';
import {
  CreateRepoDto,
  CreateRepoResponseDto,
  DeleteRepoDto,
  MoveRepoDto,
  MoveRepoResponseDto,
  RepoLfsSettingsDto,
  UpdateRepoSettingsDto,
  Visibility,
} from 'src/repo/repo.dto';

/** Suffixes stored with LFS on every repository, whatever their size (on top of `.gitattributes`). */
export const SERVER_LFS_SUFFIXES: readonly string[] = [
  '.safetensors',
  '.bin',
  '.gguf',
  '.ckpt',
  '.pt',
  '.pth',
  '.onnx',
];

const ORG_ROLES_THAT_CREATE = new Set(['contributor', 'write', 'admin']);

/** Repository lifecycle: lookup with access checks, create, delete, move, settings. */
@Injectable()
export class RepoService {
  private readonly logger = new Logger(RepoService.name);

  constructor(
    private readonly repos: RepoRepository,
    private readonly users: UsersService,
    private readonly memberships: MembershipsService,
    private readonly access: RepoAccess,
    private readonly gitStore: GitRepoStore,
    private readonly config: HubConfig,
  ) {}

  /**
   * The repository `namespace/name` of `type`, or `RepoMovedError` when that is a former name, or
   * `RepoNotFoundError`. No access check: callers go through `getRepo`.
   */
  async findRepo(type: RepoType, namespace: string, name: string): Promise<RepoRecord> {
    const entity = await this.repos.findByFullName(type, normalizeName(namespace), normalizeName(name));
    if (entity?.owner?.isActive) {
      return toRepoRecord(entity);
    }
    const moved = await this.repos.findRedirectTarget(type, normalizeName(namespace), normalizeName(name));
    if (moved) {
      const target = toRepoRecord(moved);
      throw new RepoMovedError(`${namespace}/${name}`, target.fullId);
    }
    throw new RepoNotFoundError(`${namespace}/${name}`);
  }

  /**
   * The repository if the caller has `needed` on it. A moved repository redirects only callers who
   * may read it, and a private one answers exactly like a missing one to everybody else.
   */
  async getRepo(
    user: AuthUser | undefined,
    type: RepoType,
    namespace: string,
    name: string,
    needed: RequiredRepoPermission = 'read',
  ): Promise<RepoRecord> {
    let repo: RepoRecord;
    try {
      repo = await this.findRepo(type, namespace, name);
    } catch (error) {
      if (error instanceof RepoMovedError) {
        const target = await this.findRepo(type, ...splitId(error.relocate?.to ?? ''));
        await this.access.require(user, { ...target, fullId: `${namespace}/${name}` }, 'read');
      }
      throw error;
    }
    await this.access.require(user, repo, needed);
    return repo;
  }

  async createRepo(user: AuthUser, dto: CreateRepoDto, baseUrl: string): Promise<CreateRepoResponseDto> {
    const type = dto.type ?? 'model';
    const { namespace, name } = this.splitName(dto.name, dto.organization, user);
    const owner = await this.assertCanCreateIn(user, namespace);
    const isPrivate = this.privacyOf(type, dto.visibility, dto.private) ?? false;
    if (type === 'space' && dto.sdk === undefined) {
      throw new BadRequestError('Creating a space needs an "sdk": gradio, streamlit, docker or static');
    }
    const existing = await this.repos.findByName(type, owner.id, normalizeName(name));
    if (existing) {
      const record = toRepoRecord(existing);
      throw new RepoExistsError(record.fullId, repoWebUrl(baseUrl, record));
    }
    const storageId = randomBytes(16).toString('hex');
    let entity;
    try {
      entity = await this.repos.insert({
        storageId,
        type,
        ownerId: owner.id,
        name,
        normalizedName: normalizeName(name),
        creatorId: user.id,
        isPrivate,
        sdk: type === 'space' ? (dto.sdk ?? null) : null,
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        const fullId = `${owner.name}/${name}`;
        throw new RepoExistsError(fullId, repoWebUrl(baseUrl, { type, namespace: owner.name, name }));
      }
      throw error;
    }
    try {
      await this.initialiseGitRepository(storageId, user.username);
    } catch (error) {
      await this.repos.delete(entity.id);
      await this.gitStore.remove(storageId).catch(() => undefined);
      throw error;
    }
    const fullId = `${owner.name}/${name}`;
    return { url: repoWebUrl(baseUrl, { type, namespace: owner.name, name }), id: fullId, name: fullId };
  }

  async deleteRepo(user: AuthUser, dto: DeleteRepoDto): Promise<void> {
    const { namespace, name } = this.splitName(dto.name, dto.organization, user);
    const repo = await this.getRepoNotMoved(user, dto.type ?? 'model', namespace, name, 'admin');
    await this.repos.delete(repo.id);
    try {
      await this.gitStore.remove(repo.storageId);
    } catch (error) {
      // The row is gone, so the repository is deleted for everyone; the folder is only disk space.
      this.logger.warn(`Repository ${repo.fullId} deleted but its git folder could not be removed: ${String(error)}`);
    }
  }

  async moveRepo(user: AuthUser, dto: MoveRepoDto, baseUrl: string): Promise<MoveRepoResponseDto> {
    const type = dto.type ?? 'model';
    const [fromNamespace, fromName] = splitId(dto.fromRepo);
    const [toNamespace, toName] = splitId(dto.toRepo);
    const repo = await this.getRepoNotMoved(user, type, fromNamespace, fromName, 'admin');
    const problem = repoNameProblem(toName);
    if (problem) {
      throw new BadRequestError(`Repository name "${toName}" ${problem}`);
    }
    const owner = await this.assertCanCreateIn(user, toNamespace);
    const existing = await this.repos.findByName(type, owner.id, normalizeName(toName));
    if (existing && existing.id !== repo.id) {
      throw new ConflictError(`A ${type} repository called ${owner.name}/${toName} already exists`);
    }
    try {
      await this.repos.move(
        repo.id,
        type,
        {
          ownerId: owner.id,
          name: toName,
          normalizedName: normalizeName(toName),
          namespace: normalizeName(owner.name),
        },
        { namespace: normalizeName(repo.namespace), name: normalizeName(repo.name) },
      );
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(`A ${type} repository called ${owner.name}/${toName} already exists`);
      }
      throw error;
    }
    return { url: repoWebUrl(baseUrl, { type, namespace: owner.name, name: toName }) };
  }

  async updateSettings(
    user: AuthUser,
    type: RepoType,
    namespace: string,
    name: string,
    dto: UpdateRepoSettingsDto,
  ): Promise<void> {
    const repo = await this.getRepoNotMoved(user, type, namespace, name, 'admin');
    const isPrivate = this.privacyOf(type, dto.visibility, dto.private);
    await this.repos.update(repo.id, {
      ...(isPrivate === undefined ? {} : { isPrivate }),
      ...(dto.gated === undefined ? {} : { gated: dto.gated === false ? null : dto.gated }),
      ...(dto.lfs_threshold_bytes === undefined ? {} : { lfsThresholdBytes: dto.lfs_threshold_bytes }),
      ...(dto.lfs_suffix_rules === undefined
        ? {}
        : { lfsSuffixRules: dto.lfs_suffix_rules?.length ? JSON.stringify(dto.lfs_suffix_rules) : null }),
    });
  }

  async getLfsSettings(
    user: AuthUser | undefined,
    type: RepoType,
    namespace: string,
    name: string,
  ): Promise<RepoLfsSettingsDto> {
    const repo = await this.getRepo(user, type, namespace, name, 'read');
    return {
      lfs_threshold_bytes: repo.lfsThresholdBytes,
      lfs_threshold_bytes_effective: this.effectiveLfsThreshold(repo),
      lfs_threshold_bytes_source: repo.lfsThresholdBytes === null ? 'server' : 'repository',
      lfs_suffix_rules: repo.lfsSuffixRules,
      lfs_suffix_rules_effective: this.effectiveLfsSuffixes(repo),
      server_defaults: {
        lfs_threshold_bytes: this.config.lfsThresholdBytes,
        lfs_suffix_rules: [...SERVER_LFS_SUFFIXES],
      },
    };
  }

  effectiveLfsThreshold(repo: RepoRecord): number {
    return repo.lfsThresholdBytes ?? this.config.lfsThresholdBytes;
  }

  effectiveLfsSuffixes(repo: RepoRecord): string[] {
    return [...new Set([...SERVER_LFS_SUFFIXES, ...repo.lfsSuffixRules])];
  }

  /** Write and admin operations never follow a redirect: they must name the repository as it is now. */
  private async getRepoNotMoved(
    user: AuthUser,
    type: RepoType,
    namespace: string,
    name: string,
    needed: RequiredRepoPermission,
  ): Promise<RepoRecord> {
    try {
      return await this.getRepo(user, type, namespace, name, needed);
    } catch (error) {
      if (error instanceof RepoMovedError) {
        throw new RepoNotFoundError(`${namespace}/${name}`);
      }
      throw error;
    }
  }

  private async initialiseGitRepository(storageId: string, username: string): Promise<void> {
    const git = await this.gitStore.create(storageId);
    const identity = commitIdentity(username);
    const { commitSha } = await git.createCommit({
      parent: null,
      message: 'initial commit',
      author: identity,
      committer: identity,
      changes: [{ kind: 'put', path: '.gitattributes', mode: '100644', content: Buffer.from(DEFAULT_GITATTRIBUTES) }],
    });
    await git.updateRef('refs/heads/main', commitSha, null);
  }

  /** `name` may be `ns/name`; otherwise `organization`, then the caller's own namespace, is used. */
  private splitName(
    rawName: string,
    organization: string | null | undefined,
    user: AuthUser,
  ): { namespace: string; name: string } {
    const parts = rawName.split('/');
    if (parts.length > 2) {
      throw new BadRequestError(`Repository id "${rawName}" must be "name" or "namespace/name"`);
    }
    const [namespace, name] = parts.length === 2 ? [parts[0], parts[1]] : [organization ?? user.username, parts[0]];
    const problem = repoNameProblem(name);
    if (problem) {
      throw new BadRequestError(`Repository name "${name}" ${problem}`);
    }
    return { namespace, name };
  }

  private async assertCanCreateIn(user: AuthUser, namespace: string): Promise<NamespaceOwner> {
    const owner = await this.users.findByName(namespace);
    if (!owner) {
      throw new NotFoundError(`Namespace not found: ${namespace}`);
    }
    if (user.isAdmin || owner.id === user.id) {
      return owner;
    }
    if (owner.isOrg) {
      const role = await this.memberships.getRole(owner.id, user.id);
      if (role !== null && ORG_ROLES_THAT_CREATE.has(role)) {
        return owner;
      }
    }
    throw new ForbiddenError(`You cannot create repositories in the namespace ${owner.name}`);
  }

  /** `visibility` wins over the older `private`; "protected" (public app, private files) is for spaces only. */
  private privacyOf(
    type: RepoType,
    visibility: Visibility | undefined,
    isPrivate: boolean | undefined,
  ): boolean | undefined {
    if (visibility === 'protected' && type !== 'space') {
      throw new BadRequestError('Visibility "protected" applies to spaces only');
    }
    if (visibility !== undefined) {
      return visibility !== 'public';
    }
    return isPrivate;
  }
}

function splitId(fullId: string): [string, string] {
  const [namespace, name] = fullId.split('/');
  return [namespace ?? '', name ?? ''];
}
