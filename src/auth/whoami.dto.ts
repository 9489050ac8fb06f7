import { ApiProperty } from '@nestjs/swagger';
import { OrgRole, ORG_ROLES } from 'src/auth/org-membership.entity';
import { TokenRole } from 'src/common/auth-user';

export class WhoamiOrgDto {
  @ApiProperty({ enum: ['org'] })
  type!: 'org';
  /** The organization's id, as a string (as on huggingface.co). */
  id!: string;
  name!: string;
  fullname!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Always null: organization emails are not shown' })
  email!: null;
  canPay!: boolean;
  avatarUrl!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Always null: there is no billing' })
  periodEnd!: null;
  @ApiProperty({ enum: ORG_ROLES, enumName: 'OrgRole' })
  roleInOrg!: OrgRole;
}

export class WhoamiAccessTokenDto {
  /** The token's name; "web session" for a browser login. */
  displayName!: string;
  @ApiProperty({ enum: ['read', 'write'], enumName: 'TokenRole' })
  role!: TokenRole;
  /** ISO-8601 UTC. */
  createdAt!: string;
}

export class WhoamiAuthDto {
  @ApiProperty({ enum: ['access_token', 'session'] })
  type!: 'access_token' | 'session';
  accessToken!: WhoamiAccessTokenDto;
  /** ISO-8601 UTC, when the credential expires. */
  expiresAt?: string;
}

/** The caller, in the shape the Hugging Face clients read (`huggingface_hub.whoami`, `@huggingface/hub` `whoAmI`). */
export class WhoamiResponseDto {
  @ApiProperty({ enum: ['user'] })
  type!: 'user';
  /** The user's id, as a string. */
  id!: string;
  /** The username: the clients' default namespace. */
  name!: string;
  fullname!: string;
  email!: string | null;
  emailVerified!: boolean;
  isPro!: boolean;
  canPay!: boolean;
  avatarUrl!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Always null: there is no billing' })
  periodEnd!: null;
  billingMode!: string;
  orgs!: WhoamiOrgDto[];
  auth!: WhoamiAuthDto;
}
