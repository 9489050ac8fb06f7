import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUrl, MaxLength, ValidateIf } from 'class-validator';
import { ORG_ROLES, OrgRole } from 'src/auth/org-membership.entity';

export const ROLE_MESSAGE = `role must be one of: ${ORG_ROLES.join(', ')}`;

export class CreateOrganizationDto {
  /** The organisation's name: 2–42 letters, digits, "-" or "_"; shares one namespace with user names. */
  @IsString()
  @MaxLength(64)
  name!: string;

  /** Display name. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  fullname?: string;

  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;
}

export class CreateOrganizationResponseDto {
  success!: boolean;
  name!: string;
}

export class OrganizationResponseDto {
  name!: string;
  fullname!: string | null;
  description!: string | null;
  website!: string | null;
  /** Absolute URL of the avatar, or null when none was uploaded. */
  avatar_url!: string | null;
  member_count!: number;
  /** ISO-8601 UTC. */
  created_at!: string;
}

export class MemberResponseDto {
  /** The member's username. */
  user!: string;
  fullname!: string | null;
  @ApiProperty({ enum: ORG_ROLES, enumName: 'OrgRole' })
  role!: OrgRole;
  /** ISO-8601 UTC. */
  joined_at!: string;
}

export class MemberListResponseDto {
  @ApiProperty({ type: [MemberResponseDto] })
  members!: MemberResponseDto[];
}

export class AddMemberDto {
  @IsString()
  @MaxLength(64)
  username!: string;

  @ApiProperty({ enum: ORG_ROLES, enumName: 'OrgRole' })
  @IsIn(ORG_ROLES, { message: ROLE_MESSAGE })
  role!: OrgRole;
}

export class UpdateMemberRoleDto {
  @ApiProperty({ enum: ORG_ROLES, enumName: 'OrgRole' })
  @IsIn(ORG_ROLES, { message: ROLE_MESSAGE })
  role!: OrgRole;
}

export class MemberChangeResponseDto {
  success!: boolean;
  message!: string;
}

export class UserOrganizationDto {
  name!: string;
  fullname!: string | null;
  description!: string | null;
  @ApiProperty({ enum: ORG_ROLES, enumName: 'OrgRole' })
  role!: OrgRole;
}

export class UserOrganizationListResponseDto {
  @ApiProperty({ type: [UserOrganizationDto] })
  organizations!: UserOrganizationDto[];
}

/** Absent fields stay as they are; null or "" clears a field. */
export class UpdateOrganizationSettingsDto {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  fullname?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string | null;

  /** An http(s) URL. */
  @IsOptional()
  @ValidateIf((_object, value) => value !== '')
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'website must be an http(s) URL' })
  @MaxLength(500)
  website?: string | null;
}
