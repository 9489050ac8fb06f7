import { Injectable } from '@nestjs/common';
import { MembershipRepository } from 'src/auth/membership.repository';
import { OrgRole } from 'src/auth/org-membership.entity';
import { NamespaceOwner, toNamespaceOwner } from 'src/auth/users.service';

export interface OrganisationMembership {
  org: NamespaceOwner;
  role: OrgRole;
}

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
}
