import { Injectable } from '@nestjs/common';
import { AuthUser } from 'src/common/auth-user';
import { ConflictError, ForbiddenError, NotFoundError } from 'src/common/errors/hub-error';
import { checkPath } from 'src/git/git-repository';
import {
  CreateLfsLockDto,
  LfsLockDto,
  ListLfsLocksQueryDto,
  ListLfsLocksResponseDto,
  toLfsLockDto,
  UnlockLfsLockDto,
  VerifyLfsLocksDto,
  VerifyLfsLocksResponseDto,
} from 'src/lfs/locks.dto';
import { LfsLockEntity } from 'src/lfs/locks.entity';
import { findLfsRepo, LfsRepoTarget } from 'src/lfs/lfs-repo-lookup';
import { LfsLockRepository } from 'src/lfs/locks.repository';
import { RepoAccess } from 'src/repo/repo-access';
import { RepoService } from 'src/repo/repo.service';

/** The path is already locked; the answer carries the lock in the way (git-lfs prints its owner). */
export class LfsLockExistsError extends ConflictError {
  constructor(readonly lock: LfsLockDto) {
    super(`${lock.path} is already locked by ${lock.owner.name}`);
  }
}

export class LfsLockNotFoundError extends NotFoundError {
  constructor(id: string) {
    super(`Lock ${id} does not exist`);
  }
}

/**
 * The git-lfs locking API (git-lfs docs/api/locking.md): listing needs read access, locking,
 * verifying and unlocking need write access. A lock belongs to its owner; removing someone
 * else's takes `force` and administrator rights on the repository.
 */
@Injectable()
export class LfsLocksService {
  constructor(
    private readonly repos: RepoService,
    private readonly access: RepoAccess,
    private readonly locks: LfsLockRepository,
  ) {}

  async createLock(user: AuthUser, target: LfsRepoTarget, request: CreateLfsLockDto): Promise<LfsLockDto> {
    const repo = await findLfsRepo(this.repos, user, target, 'write');
    const path = checkPath(request.path);
    const created = await this.locks.insert({
      repoId: repo.id,
      path,
      refName: request.ref?.name ?? null,
      ownerId: user.id,
    });
    if (created !== null) {
      return toLfsLockDto(created);
    }
    const existing = await this.locks.findByPath(repo.id, path);
    if (existing === null) {
      // Unlocked between the failed insert and the read: the caller may simply try again.
      throw new ConflictError(`${path} was being unlocked at the same time; try again`);
    }
    throw new LfsLockExistsError(toLfsLockDto(existing));
  }

  async listLocks(
    user: AuthUser | undefined,
    target: LfsRepoTarget,
    query: ListLfsLocksQueryDto,
  ): Promise<ListLfsLocksResponseDto> {
    const repo = await findLfsRepo(this.repos, user, target, 'read');
    const page = await this.locks.page(repo.id, {
      path: query.path,
      id: query.id === undefined ? undefined : Number(query.id),
      fromId: query.cursor === undefined ? undefined : Number(query.cursor),
      limit: query.limit,
    });
    return {
      locks: page.locks.map(toLfsLockDto),
      ...(page.nextId === undefined ? {} : { next_cursor: String(page.nextId) }),
    };
  }

  async verifyLocks(
    user: AuthUser,
    target: LfsRepoTarget,
    request: VerifyLfsLocksDto,
  ): Promise<VerifyLfsLocksResponseDto> {
    const repo = await findLfsRepo(this.repos, user, target, 'write');
    const page = await this.locks.page(repo.id, {
      fromId: request.cursor === undefined ? undefined : Number(request.cursor),
      limit: request.limit,
    });
    const isOurs = (lock: LfsLockEntity): boolean => lock.ownerId === user.id;
    return {
      ours: page.locks.filter(isOurs).map(toLfsLockDto),
      theirs: page.locks.filter((lock) => !isOurs(lock)).map(toLfsLockDto),
      ...(page.nextId === undefined ? {} : { next_cursor: String(page.nextId) }),
    };
  }

  async unlock(user: AuthUser, target: LfsRepoTarget, id: string, request: UnlockLfsLockDto): Promise<LfsLockDto> {
    const repo = await findLfsRepo(this.repos, user, target, 'write');
    const lock = /^\d{1,12}$/.test(id) ? await this.locks.findById(repo.id, Number(id)) : null;
    if (lock === null) {
      throw new LfsLockNotFoundError(id);
    }
    if (lock.ownerId !== user.id) {
      if (request.force !== true) {
        throw new ForbiddenError(
          `${lock.path} is locked by ${lock.owner?.username ?? 'another user'}: only they can unlock it, or an administrator with --force`,
        );
      }
      if ((await this.access.permissionFor(user, repo)) !== 'admin') {
        throw new ForbiddenError(`Only administrators of ${repo.fullId} can remove other users' locks`);
      }
    }
    if (!(await this.locks.delete(lock.id))) {
      throw new LfsLockNotFoundError(id);
    }
    return toLfsLockDto(lock);
  }
}
