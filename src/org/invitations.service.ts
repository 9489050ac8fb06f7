import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { MembershipsService } from 'src/auth/memberships.service';
import { OrgRole } from 'src/auth/org-membership.entity';
import { NamespaceOwner, UsersService } from 'src/auth/users.service';
import { AuthUser } from 'src/common/auth-user';
import { BadRequestError, ConflictError, ForbiddenError } from 'src/common/errors/hub-error';
import { InvitationAction, InvitationEntity } from 'src/org/invitation.entity';
import { InvitationRepository } from 'src/org/invitation.repository';
import {
  AcceptInvitationResponseDto,
  CancelInvitationResponseDto,
  CreateOrgInvitationDto,
  CreateRegistrationInvitationDto,
  DEFAULT_INVITATION_DAYS,
  InvitationCreatedResponseDto,
  InvitationDetailsResponseDto,
  InvitationListResponseDto,
  InvitationStatus,
} from 'src/org/invitations.dto';
import { InvitationNotFoundError, InvitationUnavailableError } from 'src/org/org.errors';
import { OrgService } from 'src/org/org.service';

const TOKEN_BYTES = 32;
const TOKEN_PREFIX_LENGTH = 8;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Tokens are 43 characters, so a short run of digits in their place can only be a listed id. */
const INVITATION_ID = /^\d{1,15}$/;

/** What a registration invitation grants once the account exists. */
export interface RegistrationGrant {
  orgId?: number;
  role?: OrgRole;
}

export function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** `newuser@example.com` → `n*****r@example.com`: enough to recognise, not enough to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const local = at < 0 ? email : email.slice(0, at);
  const domain = at < 0 ? '' : email.slice(at);
  const masked =
    local.length <= 2
      ? `${local.slice(0, 1)}${'*'.repeat(Math.max(1, local.length - 1))}`
      : `${local[0]}${'*'.repeat(local.length - 2)}${local[local.length - 1]}`;
  return `${masked}${domain}`;
}

/** The API's `max_usage`: null = single use, -1 = unlimited, N = N uses. Stored as 1, NULL, N. */
function storedMaxUses(maxUsage: number | null | undefined): number | null {
  if (maxUsage === undefined || maxUsage === null) {
    return 1;
  }
  return maxUsage === -1 ? null : maxUsage;
}

function apiMaxUsage(maxUses: number | null): number | null {
  if (maxUses === null) {
    return -1;
  }
  return maxUses === 1 ? null : maxUses;
}

export function invitationStatus(invitation: InvitationEntity, now: Date): InvitationStatus {
  if (invitation.cancelledAt !== null) {
    return 'cancelled';
  }
  if (invitation.maxUses !== null && invitation.usedCount >= invitation.maxUses) {
    return 'used_up';
  }
  return invitation.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
}

function unavailableReason(status: Exclude<InvitationStatus, 'active'>, invitation: InvitationEntity): string {
  switch (status) {
    case 'cancelled':
      return 'This invitation was cancelled by an administrator';
    case 'used_up':
      return invitation.maxUses === 1
        ? 'This invitation has already been used'
        : `This invitation has been used the maximum number of times (${invitation.maxUses})`;
    case 'expired':
      return `This invitation expired on ${invitation.expiresAt.toISOString()}`;
  }
}

/**
 * Invitations to join an organisation, and to create an account when registration is by
 * invitation. Tokens are random, shown once and stored as sha256; uses are counted atomically.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly invitations: InvitationRepository,
    private readonly orgs: OrgService,
    private readonly users: UsersService,
    private readonly memberships: MembershipsService,
  ) {}

  /** Org admins (and site administrators) invite people into the organisation. */
  async createForOrganisation(
    caller: AuthUser,
    orgName: string,
    dto: CreateOrgInvitationDto,
    baseUrl: string,
  ): Promise<InvitationCreatedResponseDto> {
    const org = await this.orgs.getManagedOrganisation(caller, orgName);
    return this.create(caller, 'join_org', org, dto.role, dto, baseUrl);
  }

  /** Site administrators invite people to create an account, optionally into an organisation. */
  async createForRegistration(
    caller: AuthUser,
    dto: CreateRegistrationInvitationDto,
    baseUrl: string,
  ): Promise<InvitationCreatedResponseDto> {
    if (!caller.isAdmin) {
      throw new ForbiddenError('Only administrators can invite people to create an account');
    }
    if (dto.org_name === undefined) {
      if (dto.role !== undefined) {
        throw new BadRequestError('role needs org_name: it is the role in the organisation the new account joins');
      }
      return this.create(caller, 'register_account', null, null, dto, baseUrl);
    }
    const org = await this.users.getOrganisationByName(dto.org_name);
    return this.create(caller, 'register_account', org, dto.role ?? 'read', dto, baseUrl);
  }

  /** Anyone holding the token may see what it offers; a bound email is shown masked. */
  async inspect(token: string): Promise<InvitationDetailsResponseDto> {
    const invitation = await this.findByToken(token);
    const status = invitationStatus(invitation, new Date());
    return {
      action: invitation.action,
      org_name: invitation.org?.username ?? null,
      role: invitation.role,
      inviter_username: invitation.createdBy?.username ?? null,
      email: invitation.email === null ? null : maskEmail(invitation.email),
      expires_at: invitation.expiresAt.toISOString(),
      is_expired: status === 'expired',
      is_available: status === 'active',
      status,
      error_message: status === 'active' ? null : unavailableReason(status, invitation),
      max_usage: apiMaxUsage(invitation.maxUses),
      usage_count: invitation.usedCount,
      is_reusable: invitation.maxUses !== 1,
    };
  }

  /** The caller joins the organisation; a use is taken only when they actually join. */
  async accept(caller: AuthUser, token: string): Promise<AcceptInvitationResponseDto> {
    const invitation = await this.findByToken(token);
    if (invitation.action !== 'join_org') {
      throw new BadRequestError('This invitation is for creating an account: register with it instead');
    }
    const org = invitation.org;
    const role = invitation.role;
    if (!org || !org.isActive || role === null) {
      throw new InvitationUnavailableError('The organisation of this invitation no longer exists');
    }
    this.assertUsable(invitation);
    await this.assertEmailMatches(invitation, caller);
    if ((await this.memberships.getRole(org.id, caller.id)) !== null) {
      throw new ConflictError(`You are already a member of ${org.username}`);
    }
    await this.consume(invitation);
    if (!(await this.memberships.addMember(org.id, caller.id, role))) {
      // A concurrent accept by the same caller won the insert: this one joined nothing.
      await this.invitations.releaseOne(invitation.id);
      throw new ConflictError(`You are already a member of ${org.username}`);
    }
    return {
      success: true,
      message: `You joined ${org.username} as ${role}`,
      org_name: org.username,
      role,
    };
  }

  /**
   * Cancels by token, or by the id `list` shows (admins never see full tokens again).
   * Org invitations: org admins and site administrators; registration invitations: site administrators.
   */
  async cancel(caller: AuthUser, tokenOrId: string): Promise<CancelInvitationResponseDto> {
    const invitation = INVITATION_ID.test(tokenOrId)
      ? await this.invitations.findById(Number(tokenOrId))
      : await this.invitations.findByTokenHash(hashInvitationToken(tokenOrId));
    if (!invitation) {
      throw new InvitationNotFoundError();
    }
    if (invitation.action === 'join_org' && invitation.org) {
      await this.orgs.getManagedOrganisation(caller, invitation.org.username);
    } else if (!caller.isAdmin) {
      throw new ForbiddenError('Only administrators can cancel this invitation');
    }
    const cancelled = await this.invitations.cancel(invitation.id, new Date());
    return {
      success: true,
      message: cancelled ? 'Invitation cancelled' : 'Invitation was already cancelled',
    };
  }

  async listForOrganisation(caller: AuthUser, orgName: string): Promise<InvitationListResponseDto> {
    const org = await this.orgs.getManagedOrganisation(caller, orgName);
    const now = new Date();
    const rows = await this.invitations.listForOrg(org.id);
    return {
      invitations: rows
        .filter((invitation) => invitation.action === 'join_org')
        .map((invitation) => {
          const status = invitationStatus(invitation, now);
          return {
            id: invitation.id,
            token_prefix: invitation.tokenPrefix,
            email: invitation.email,
            role: invitation.role,
            created_by: invitation.createdBy?.username ?? null,
            created_at: invitation.createdAt.toISOString(),
            expires_at: invitation.expiresAt.toISOString(),
            last_used_at: invitation.lastUsedAt?.toISOString() ?? null,
            max_usage: apiMaxUsage(invitation.maxUses),
            usage_count: invitation.usedCount,
            is_reusable: invitation.maxUses !== 1,
            is_available: status === 'active',
            status,
            is_pending: status === 'active' && invitation.usedCount === 0,
          };
        }),
    };
  }

  /** Checks, without using it, that `token` is a usable account invitation for `email` (403/410 otherwise). */
  async checkForRegistration(token: string, email: string): Promise<void> {
    this.assertRegistrationUsable(await this.invitations.findByTokenHash(hashInvitationToken(token)), email);
  }

  /**
   * Checks an account invitation for `email` and takes one use of it, atomically, so that a
   * single-use invitation can never create two accounts; returns what else it grants.
   */
  async redeemForRegistration(token: string, email: string): Promise<RegistrationGrant> {
    const invitation = this.assertRegistrationUsable(
      await this.invitations.findByTokenHash(hashInvitationToken(token)),
      email,
    );
    await this.consume(invitation);
    return this.grantOf(invitation);
  }

  /** Once the invited account exists, it joins the organisation the invitation names (if any). */
  async joinAfterRegistration(userId: number, grant: RegistrationGrant): Promise<void> {
    if (grant.orgId !== undefined && grant.role !== undefined) {
      await this.memberships.addMember(grant.orgId, userId, grant.role);
    }
  }

  private assertRegistrationUsable(invitation: InvitationEntity | null, email: string): InvitationEntity {
    if (!invitation || invitation.action !== 'register_account') {
      throw new ForbiddenError('Registration needs a valid invitation token; this one is not an account invitation');
    }
    this.assertUsable(invitation);
    if (invitation.email !== null && invitation.email !== email.trim().toLowerCase()) {
      throw new ForbiddenError('This invitation was issued for a different email address');
    }
    return invitation;
  }

  private grantOf(invitation: InvitationEntity): RegistrationGrant {
    return invitation.orgId !== null && invitation.role !== null && invitation.org?.isActive !== false
      ? { orgId: invitation.orgId, role: invitation.role }
      : {};
  }

  private async create(
    caller: AuthUser,
    action: InvitationAction,
    org: NamespaceOwner | null,
    role: OrgRole | null,
    dto: CreateOrgInvitationDto | CreateRegistrationInvitationDto,
    baseUrl: string,
  ): Promise<InvitationCreatedResponseDto> {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const expiresAt = new Date(Date.now() + (dto.expires_days ?? DEFAULT_INVITATION_DAYS) * DAY_MS);
    const email = dto.email?.trim().toLowerCase() ?? null;
    const invitation = await this.invitations.insert({
      tokenHash: hashInvitationToken(token),
      tokenPrefix: token.slice(0, TOKEN_PREFIX_LENGTH),
      action,
      orgId: org?.id ?? null,
      role,
      email,
      maxUses: storedMaxUses(dto.max_usage),
      createdById: caller.id,
      expiresAt,
    });
    return {
      success: true,
      id: invitation.id,
      token,
      invitation_link: `${baseUrl}/invite/${token}`,
      action,
      org_name: org?.name ?? null,
      role,
      email,
      expires_at: expiresAt.toISOString(),
      max_usage: apiMaxUsage(invitation.maxUses),
      is_reusable: invitation.maxUses !== 1,
    };
  }

  private async findByToken(token: string): Promise<InvitationEntity> {
    const invitation = await this.invitations.findByTokenHash(hashInvitationToken(token));
    if (!invitation) {
      throw new InvitationNotFoundError();
    }
    return invitation;
  }

  private assertUsable(invitation: InvitationEntity): void {
    const status = invitationStatus(invitation, new Date());
    if (status !== 'active') {
      throw new InvitationUnavailableError(unavailableReason(status, invitation));
    }
  }

  private async assertEmailMatches(invitation: InvitationEntity, caller: AuthUser): Promise<void> {
    if (invitation.email === null) {
      return;
    }
    const account = await this.users.findById(caller.id);
    if (account?.email?.toLowerCase() !== invitation.email) {
      throw new ForbiddenError('This invitation was issued for a different email address than the one on your account');
    }
  }

  /** Takes a use; when another caller took the last one first, says why it is gone now. */
  private async consume(invitation: InvitationEntity): Promise<void> {
    if (await this.invitations.consumeOne(invitation.id, new Date())) {
      return;
    }
    const current = (await this.invitations.findById(invitation.id)) ?? invitation;
    const status = invitationStatus(current, new Date());
    throw new InvitationUnavailableError(
      status === 'active' ? 'This invitation has just been used up' : unavailableReason(status, current),
    );
  }
}
