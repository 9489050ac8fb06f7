import { Injectable } from '@nestjs/common';
import { MembershipsService } from 'src/auth/memberships.service';
import { OrgRole } from 'src/auth/org-membership.entity';
import { AuthUser } from 'src/common/auth-user';
import { ForbiddenError, RepoNotFoundError, UnauthorizedError } from 'src/common/errors/hub-error';

export type RepoPermission = 'none' | 'read' | 'write' | 'admin';
export type RequiredRepoPermission = Exclude<RepoPermission, 'none'>;

/** What access decisions need to know about a repository. */
export interface RepoAccessTarget {
  /** `namespace/name`, used in error messages only. */
  fullId: string;
  /** The namespace owner: a user, or an organisation when `ownerIsOrg`. */
  ownerId: number;
  ownerIsOrg: boolean;
  isPrivate: boolean;
  /** Who created the repository; org contributors may write to the repositories they created. */
  creatorId?: number | null;
}

const RANK: Record<RepoPermission, number> = { none: 0, read: 1, write: 2, admin: 3 };

function weaker(a: RepoPermission, b: RepoPermission): RepoPermission {
  return RANK[a] <= RANK[b] ? a : b;
}

/**
 * The one place that decides what a caller may do with a repository (architecture D5). Every
 * service that touches a repository calls `require` first, so a private repository the caller
 * may not read answers exactly like a missing one on every surface.
 */
@Injectable()
export class RepoAccess {
  constructor(private readonly memberships: MembershipsService) {}

  async permissionFor(user: AuthUser | undefined, repo: RepoAccessTarget): Promise<RepoPermission> {
    return this.capByToken(user, await this.permissionOfAccount(user, repo));
  }

  /**
   * Throws unless the caller has at least `needed`: `RepoNotFoundError` when they may not even
   * read (existence never leaks), `UnauthorizedError` for anonymous callers who need more than
   * reading, `ForbiddenError` for signed-in callers who may read but not do more.
   */
  async require(user: AuthUser | undefined, repo: RepoAccessTarget, needed: RequiredRepoPermission): Promise<void> {
    const accountPermission = await this.permissionOfAccount(user, repo);
    const permission = this.capByToken(user, accountPermission);
    if (RANK[permission] >= RANK[needed]) {
      return;
    }
    if (permission === 'none') {
      throw new RepoNotFoundError(repo.fullId);
    }
    if (user === undefined) {
      throw new UnauthorizedError(`Authentication required: sign in to change ${repo.fullId}`);
    }
    if (RANK[accountPermission] >= RANK[needed]) {
      throw new ForbiddenError(`The token used is read-only: use a token with the write role for ${repo.fullId}`);
    }
    throw new ForbiddenError(
      needed === 'admin'
        ? `You do not have admin rights on ${repo.fullId}`
        : `You do not have write access to ${repo.fullId}`,
    );
  }

  /** A read-only token never grants more than reading, whatever the account could do. */
  private capByToken(user: AuthUser | undefined, permission: RepoPermission): RepoPermission {
    return user?.tokenRole === 'read' ? weaker(permission, 'read') : permission;
  }

  private async permissionOfAccount(user: AuthUser | undefined, repo: RepoAccessTarget): Promise<RepoPermission> {
    const everyone: RepoPermission = repo.isPrivate ? 'none' : 'read';
    if (user === undefined) {
      return everyone;
    }
    if (user.isAdmin) {
      return 'admin';
    }
    if (!repo.ownerIsOrg) {
      return user.id === repo.ownerId ? 'admin' : everyone;
    }
    const role = await this.memberships.getRole(repo.ownerId, user.id);
    if (role === null) {
      return everyone;
    }
    return this.permissionOfRole(role, user, repo);
  }

  private permissionOfRole(role: OrgRole, user: AuthUser, repo: RepoAccessTarget): RepoPermission {
    switch (role) {
      case 'admin':
        return 'admin';
      case 'write':
        return 'write';
      case 'contributor':
        return repo.creatorId !== undefined && repo.creatorId !== null && repo.creatorId === user.id ? 'write' : 'read';
      case 'read':
        return 'read';
    }
  }
}
