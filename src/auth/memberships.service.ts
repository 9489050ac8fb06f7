import { Injectable } from '@nestjs/common';
import { GuardedMembershipChange, MembershipRepository } from 'src/auth/membership.repository';
import { OrgRole } from 'src/auth/org-membership.entity';
import { NamespaceOwner, toNamespaceOwner } from 'src/auth/users.service';

export interface OrganisationMembership {
  org: NamespaceOwner;
  role: OrgRole;
}

export interface OrganisationMember {
  user: NamespaceOwner;
  role: OrgRole;
  joinedAt: Date;
}

export type { GuardedMembershipChange };

/** Who belongs to which organisation, with which role: the facts access checks and whoami rely on. */
@Injectable()
export class MembershipsService {
  constructor(private readonly memberships: MembershipRepository) {}

  async getRole(orgId: number, userId: number): Promise<OrgRole | null> {
    return (await this.memberships.findOne(orgId, userId))?.role ?? null;
  }

  async listOrganisationsOf(userId: number): Promise<OrganisationMembership[]> {
    const rows = await this.memberships.listForUser(userId);
    return rows
      .filter((row) => row.org !== undefined && row.org.isActive)
      .map((row) => ({ org: toNamespaceOwner(row.org as NonNullable<typeof row.org>), role: row.role }));
  }

  /** Active members only, oldest membership first. */
  async listMembers(orgId: number): Promise<OrganisationMember[]> {
    const rows = await this.memberships.listForOrg(orgId);
    return rows
      .filter((row) => row.user !== undefined && row.user.isActive)
      .map((row) => ({
        user: toNamespaceOwner(row.user as NonNullable<typeof row.user>),
        role: row.role,
        joinedAt: row.createdAt,
      }));
  }

  countMembers(orgId: number): Promise<number> {
    return this.memberships.countForOrg(orgId);
  }

  /** Returns false when the user already belongs to the organisation (nothing changes then). */
  addMember(orgId: number, userId: number, role: OrgRole): Promise<boolean> {
    return this.memberships.insert(orgId, userId, role);
  }

  /** Refuses (`'last-admin'`) to remove the organisation's last admin; race-free. */
  removeMember(orgId: number, userId: number): Promise<GuardedMembershipChange> {
    return this.memberships.removeUnlessLastAdmin(orgId, userId);
  }

  /** Refuses (`'last-admin'`) to demote the organisation's last admin; race-free. */
  changeRole(orgId: number, userId: number, role: OrgRole): Promise<GuardedMembershipChange> {
    return this.memberships.changeRoleUnlessLastAdmin(orgId, userId, role);
  }
}
