import { Injectable } from '@nestjs/common';
import { GuardedMembershipChange, MembershipsService } from 'src/auth/memberships.service';
import { OrgRole } from 'src/auth/org-membership.entity';
import { NamespaceOwner, UsersService } from 'src/auth/users.service';
import { AuthUser } from 'src/common/auth-user';
import { ConflictError, ForbiddenError, NotFoundError } from 'src/common/errors/hub-error';
import { OrganisationProfile, OrgProfileRepository } from 'src/org/org-profile.repository';
import {
  AddMemberDto,
  CreateOrganizationDto,
  CreateOrganizationResponseDto,
  MemberChangeResponseDto,
  MemberListResponseDto,
  OrganizationResponseDto,
  UpdateMemberRoleDto,
  UpdateOrganizationSettingsDto,
  UserOrganizationListResponseDto,
} from 'src/org/org.dto';

function orEmptyAsNull(value: string | null | undefined): string | null | undefined {
  return value === '' ? null : value;
}

function profileOrEmpty(profile: OrganisationProfile | undefined): OrganisationProfile {
  return profile ?? { description: null, website: null };
}

/** Organisations and their members; the rules about who may change what live here. */
@Injectable()
export class OrgService {
  constructor(
    private readonly users: UsersService,
    private readonly memberships: MembershipsService,
    private readonly profiles: OrgProfileRepository,
  ) {}

  /** The creator becomes the organisation's first admin. */
  async createOrganisation(user: AuthUser, dto: CreateOrganizationDto): Promise<CreateOrganizationResponseDto> {
    const org = await this.users.createOrganisation(dto.name, { fullName: dto.fullname }).catch(async (error) => {
      // Another request took the name between the check and the insert: answer 409, not the driver's error.
      await this.users.assertNameAvailable(dto.name);
      throw error;
    });
    if (dto.description) {
      await this.users.updateProfile(org.id, { bio: dto.description });
    }
    await this.memberships.addMember(org.id, user.id, 'admin');
    return { success: true, name: org.name };
  }

  /** `baseUrl` is the hub's public URL, for the avatar link. */
  async getOrganisation(name: string, baseUrl: string): Promise<OrganizationResponseDto> {
    const org = await this.users.getOrganisationByName(name);
    const [profiles, memberCount] = await Promise.all([
      this.profiles.findByIds([org.id]),
      this.memberships.countMembers(org.id),
    ]);
    const profile = profileOrEmpty(profiles.get(org.id));
    return {
      name: org.name,
      fullname: org.fullName,
      description: profile.description,
      website: profile.website,
      avatar_url: org.avatarHash ? `${baseUrl}/api/organizations/${encodeURIComponent(org.name)}/avatar` : null,
      member_count: memberCount,
      created_at: org.createdAt.toISOString(),
    };
  }

  async listMembers(orgName: string): Promise<MemberListResponseDto> {
    const org = await this.users.getOrganisationByName(orgName);
    const members = await this.memberships.listMembers(org.id);
    return {
      members: members.map((member) => ({
        user: member.user.name,
        fullname: member.user.fullName,
        role: member.role,
        joined_at: member.joinedAt.toISOString(),
      })),
    };
  }

  async addMember(caller: AuthUser, orgName: string, dto: AddMemberDto): Promise<MemberChangeResponseDto> {
    const org = await this.getManagedOrganisation(caller, orgName);
    const member = await this.users.getUserByName(dto.username);
    if (!(await this.memberships.addMember(org.id, member.id, dto.role))) {
      throw new ConflictError(`${member.name} is already a member of ${org.name}; change their role instead`);
    }
    return { success: true, message: `${member.name} joined ${org.name} as ${dto.role}` };
  }

  /** Org admins remove anyone; every member may leave. The last admin can do neither. */
  async removeMember(caller: AuthUser, orgName: string, username: string): Promise<MemberChangeResponseDto> {
    const org = await this.users.getOrganisationByName(orgName);
    const member = await this.users.getUserByName(username);
    if (member.id !== caller.id) {
      await this.assertCanManage(caller, org);
    }
    this.explainRefusal(await this.memberships.removeMember(org.id, member.id), org, member, 'removed');
    return { success: true, message: `${member.name} is no longer a member of ${org.name}` };
  }

  async changeRole(
    caller: AuthUser,
    orgName: string,
    username: string,
    dto: UpdateMemberRoleDto,
  ): Promise<MemberChangeResponseDto> {
    const org = await this.getManagedOrganisation(caller, orgName);
    const member = await this.users.getUserByName(username);
    this.explainRefusal(await this.memberships.changeRole(org.id, member.id, dto.role), org, member, 'demoted');
    return { success: true, message: `${member.name} is now ${dto.role} in ${org.name}` };
  }

  async listOrganisationsOf(username: string): Promise<UserOrganizationListResponseDto> {
    const user = await this.users.getUserByName(username);
    const memberships = await this.memberships.listOrganisationsOf(user.id);
    const profiles = await this.profiles.findByIds(memberships.map((membership) => membership.org.id));
    return {
      organizations: memberships.map((membership) => ({
        name: membership.org.name,
        fullname: membership.org.fullName,
        description: profileOrEmpty(profiles.get(membership.org.id)).description,
        role: membership.role,
      })),
    };
  }

  async updateSettings(
    caller: AuthUser,
    orgName: string,
    dto: UpdateOrganizationSettingsDto,
  ): Promise<MemberChangeResponseDto> {
    const org = await this.getManagedOrganisation(caller, orgName);
    const fields = {
      fullName: orEmptyAsNull(dto.fullname),
      bio: orEmptyAsNull(dto.description),
      website: orEmptyAsNull(dto.website),
    };
    const changed = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
    if (Object.keys(changed).length > 0) {
      await this.users.updateProfile(org.id, changed);
    }
    return { success: true, message: `Settings of ${org.name} updated` };
  }

  /** The organisation named, when the caller is one of its admins or a site administrator. */
  async getManagedOrganisation(caller: AuthUser, orgName: string): Promise<NamespaceOwner> {
    const org = await this.users.getOrganisationByName(orgName);
    await this.assertCanManage(caller, org);
    return org;
  }

  private async assertCanManage(caller: AuthUser, org: NamespaceOwner): Promise<void> {
    if (caller.isAdmin) {
      return;
    }
    const role: OrgRole | null = await this.memberships.getRole(org.id, caller.id);
    if (role !== 'admin') {
      throw new ForbiddenError(
        `Only admins of ${org.name} can manage it; your role is ${role ?? 'none (not a member)'}`,
      );
    }
  }

  private explainRefusal(
    outcome: GuardedMembershipChange,
    org: NamespaceOwner,
    member: NamespaceOwner,
    verb: 'removed' | 'demoted',
  ): void {
    switch (outcome) {
      case 'done':
        return;
      case 'not-member':
        throw new NotFoundError(`${member.name} is not a member of ${org.name}`);
      case 'last-admin':
        throw new ConflictError(
          `${member.name} is the last admin of ${org.name} and cannot be ${verb}; make another member admin first`,
        );
    }
  }
}
