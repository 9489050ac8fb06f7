import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  NotEquals,
  ValidateIf,
} from 'class-validator';
import { ORG_ROLES, OrgRole } from 'src/auth/org-membership.entity';
import { INVITATION_ACTIONS, InvitationAction } from 'src/org/invitation.entity';
import { ROLE_MESSAGE } from 'src/org/org.dto';

export const DEFAULT_INVITATION_DAYS = 7;
export const MAX_INVITATION_DAYS = 365;
export const MAX_INVITATION_USES = 1_000_000;
const MAX_USAGE_MESSAGE = 'max_usage must be null (single use), a positive number of uses, or -1 (unlimited)';

export const INVITATION_STATUSES = ['active', 'expired', 'used_up', 'cancelled'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** Fields shared by organisation and registration invitations. */
class InvitationLimitsDto {
  /** Only an account with this email may use the invitation. */
  @IsOptional()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(320)
  email?: string;

  /** null or absent: single use; N: N uses; -1: unlimited. */
  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: -1, example: null })
  @IsOptional()
  @IsInt({ message: MAX_USAGE_MESSAGE })
  @Min(-1, { message: MAX_USAGE_MESSAGE })
  @NotEquals(0, { message: MAX_USAGE_MESSAGE })
  @Max(MAX_INVITATION_USES, { message: `max_usage must be at most ${MAX_INVITATION_USES} (or -1 for unlimited)` })
  max_usage?: number | null;

  /** Days until the invitation expires (default 7). */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_INVITATION_DAYS, default: DEFAULT_INVITATION_DAYS })
  @IsOptional()
  @IsInt({ message: `expires_days must be a whole number of days from 1 to ${MAX_INVITATION_DAYS}` })
  @Min(1, { message: `expires_days must be a whole number of days from 1 to ${MAX_INVITATION_DAYS}` })
  @Max(MAX_INVITATION_DAYS, { message: `expires_days must be a whole number of days from 1 to ${MAX_INVITATION_DAYS}` })
  expires_days?: number;
}

export class CreateOrgInvitationDto extends InvitationLimitsDto {
  /** The role the invitee gets in the organisation. */
  @ApiProperty({ enum: ORG_ROLES, enumName: 'OrgRole' })
  @IsIn(ORG_ROLES, { message: ROLE_MESSAGE })
  role!: OrgRole;
}

export class CreateRegistrationInvitationDto extends InvitationLimitsDto {
  /** An organisation the new account joins. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  org_name?: string;

  /** The role in `org_name` (default read); only with `org_name`. */
  @ApiPropertyOptional({ enum: ORG_ROLES, enumName: 'OrgRole' })
  @ValidateIf((dto: CreateRegistrationInvitationDto) => dto.role !== undefined)
  @IsIn(ORG_ROLES, { message: ROLE_MESSAGE })
  role?: OrgRole;
}

export class InvitationCreatedResponseDto {
  success!: boolean;
  /** Use it to cancel the invitation later. */
  id!: number;
  /** Shown only here: the hub keeps only its hash. */
  token!: string;
  /** `<public URL>/invite/<token>`. */
  invitation_link!: string;
  @ApiProperty({ enum: INVITATION_ACTIONS, enumName: 'InvitationAction' })
  action!: InvitationAction;
  org_name!: string | null;
  @ApiProperty({ enum: ORG_ROLES, enumName: 'OrgRole', nullable: true })
  role!: OrgRole | null;
  email!: string | null;
  /** ISO-8601 UTC. */
  expires_at!: string;
  /** null = single use, -1 = unlimited, N = N uses. */
  @ApiProperty({ type: 'integer', nullable: true })
  max_usage!: number | null;
  is_reusable!: boolean;
}

export class InvitationDetailsResponseDto {
  @ApiProperty({ enum: INVITATION_ACTIONS, enumName: 'InvitationAction' })
  action!: InvitationAction;
  org_name!: string | null;
  @ApiProperty({ enum: ORG_ROLES, enumName: 'OrgRole', nullable: true })
  role!: OrgRole | null;
  inviter_username!: string | null;
  /** The bound email, masked (`n*****r@example.com`); null when anyone may use it. */
  email!: string | null;
  /** ISO-8601 UTC. */
  expires_at!: string;
  is_expired!: boolean;
  is_available!: boolean;
  @ApiProperty({ enum: INVITATION_STATUSES, enumName: 'InvitationStatus' })
  status!: InvitationStatus;
  /** Why it cannot be used, when it cannot. */
  error_message!: string | null;
  @ApiProperty({ type: 'integer', nullable: true })
  max_usage!: number | null;
  usage_count!: number;
  is_reusable!: boolean;
}

export class AcceptInvitationResponseDto {
  success!: boolean;
  message!: string;
  org_name!: string;
  @ApiProperty({ enum: ORG_ROLES, enumName: 'OrgRole' })
  role!: OrgRole;
}

export class InvitationSummaryDto {
  id!: number;
  /** The token's first characters; the full token is never shown again. */
  token_prefix!: string;
  email!: string | null;
  @ApiProperty({ enum: ORG_ROLES, enumName: 'OrgRole', nullable: true })
  role!: OrgRole | null;
  created_by!: string | null;
  /** ISO-8601 UTC. */
  created_at!: string;
  expires_at!: string;
  last_used_at!: string | null;
  @ApiProperty({ type: 'integer', nullable: true })
  max_usage!: number | null;
  usage_count!: number;
  is_reusable!: boolean;
  is_available!: boolean;
  @ApiProperty({ enum: INVITATION_STATUSES, enumName: 'InvitationStatus' })
  status!: InvitationStatus;
  /** Still usable and never used. */
  is_pending!: boolean;
}

export class InvitationListResponseDto {
  @ApiProperty({ type: [InvitationSummaryDto] })
  invitations!: InvitationSummaryDto[];
}

export class CancelInvitationResponseDto {
  success!: boolean;
  message!: string;
}
