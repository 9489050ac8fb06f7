import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { AccessTokenEntity } from 'src/auth/access-token.entity';
import { UserEntity } from 'src/auth/user.entity';
import { TokenRole } from 'src/common/auth-user';

const TOKEN_ROLES: TokenRole[] = ['read', 'write'];
/** Long enough for any passphrase bcrypt can use (72 bytes); the exact rules are checked by the service. */
const PASSWORD_FIELD_MAX = 1024;

function trimmed({ value }: { value: unknown }): unknown {
  return typeof value === 'string' ? value.trim() : value;
}

function lowerCased({ value }: { value: unknown }): unknown {
  return typeof value === 'string' ? value.trim().toLowerCase() : value;
}

export class RegisterDto {
  /** 2–42 letters, digits, `-` or `_`; unique among users and organizations (case-insensitive). */
  @Transform(trimmed)
  @IsString({ message: 'username must be a string' })
  @IsNotEmpty({ message: 'username is required' })
  @MaxLength(64, { message: 'username must be at most 64 characters long' })
  username!: string;

  @Transform(lowerCased)
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(320, { message: 'email must be at most 320 characters long' })
  email!: string;

  /** At least 8 characters, at most 72 bytes. */
  @IsString({ message: 'password must be a string' })
  @MaxLength(PASSWORD_FIELD_MAX, { message: `password must be at most ${PASSWORD_FIELD_MAX} characters long` })
  password!: string;

  /** Required when the hub registers by invitation only. */
  @IsOptional()
  @IsString({ message: 'invitationToken must be a string' })
  @MaxLength(512, { message: 'invitationToken is too long' })
  invitationToken?: string;
}

export class LoginDto {
  /** The account name or its email address. */
  @ValidateIf((body: LoginDto) => body.email === undefined)
  @Transform(trimmed)
  @IsString({ message: 'username (or email) is required' })
  @IsNotEmpty({ message: 'username (or email) is required' })
  @MaxLength(320, { message: 'username must be at most 320 characters long' })
  username?: string;

  /** May be given instead of `username`. */
  @IsOptional()
  @Transform(lowerCased)
  @IsString({ message: 'email must be a string' })
  @MaxLength(320, { message: 'email must be at most 320 characters long' })
  email?: string;

  @IsString({ message: 'password is required' })
  @MaxLength(PASSWORD_FIELD_MAX, { message: `password must be at most ${PASSWORD_FIELD_MAX} characters long` })
  password!: string;
}

export class ChangePasswordDto {
  @IsString({ message: 'currentPassword is required' })
  @MaxLength(PASSWORD_FIELD_MAX, { message: `currentPassword must be at most ${PASSWORD_FIELD_MAX} characters long` })
  currentPassword!: string;

  /** At least 8 characters, at most 72 bytes. */
  @IsString({ message: 'newPassword is required' })
  @MaxLength(PASSWORD_FIELD_MAX, { message: `newPassword must be at most ${PASSWORD_FIELD_MAX} characters long` })
  newPassword!: string;
}

export class CreateAccessTokenDto {
  /** A label to recognise the token by, e.g. "laptop". */
  @Transform(trimmed)
  @IsString({ message: 'name must be a string' })
  @IsNotEmpty({ message: 'name is required' })
  @MaxLength(100, { message: 'name must be at most 100 characters long' })
  name!: string;

  /** `write` (default) may push and change repositories; `read` may only read. */
  @IsOptional()
  @ApiProperty({ enum: TOKEN_ROLES, enumName: 'TokenRole', required: false, default: 'write' })
  @IsIn(TOKEN_ROLES, { message: 'role must be "read" or "write"' })
  role?: TokenRole;

  /** Days until the token stops working; omit for a token that does not expire. */
  @IsOptional()
  @IsInt({ message: 'expiresInDays must be a whole number of days' })
  @Min(1, { message: 'expiresInDays must be at least 1' })
  @Max(3650, { message: 'expiresInDays must be at most 3650' })
  expiresInDays?: number;
}

export class VerifyEmailQueryDto {
  /** The token from the verification link. */
  @IsString({ message: 'token is required' })
  @IsNotEmpty({ message: 'token is required' })
  @MaxLength(200, { message: 'token is malformed' })
  token!: string;
}

export class AccountDto {
  id!: number;
  username!: string;
  email!: string | null;
  emailVerified!: boolean;
  isAdmin!: boolean;
  fullName!: string | null;
  /** ISO-8601 UTC. */
  createdAt!: string;
}

export class RegisterResponseDto {
  user!: AccountDto;
  /** True when a verification link was mailed (SMTP is configured and sending worked). */
  emailVerificationSent!: boolean;
}

export class LoginResponseDto {
  /** The session JWT; also set as the `kohaku_session` cookie. Send it as `Authorization: Bearer …` from scripts. */
  token!: string;
  /** ISO-8601 UTC. */
  expiresAt!: string;
  user!: AccountDto;
}

export class MessageResponseDto {
  message!: string;
}

export class ChangePasswordResponseDto {
  message!: string;
  /** How many other sessions were signed out. */
  revokedSessions!: number;
}

export class AccessTokenDto {
  id!: number;
  name!: string;
  @ApiProperty({ enum: TOKEN_ROLES, enumName: 'TokenRole' })
  role!: TokenRole;
  /** ISO-8601 UTC. */
  createdAt!: string;
  /** ISO-8601 UTC, to the minute; null when never used. */
  lastUsed!: string | null;
  /** ISO-8601 UTC; null when the token does not expire. */
  expiresAt!: string | null;
  /** The start of the secret, e.g. `hf_ab…`, to tell tokens apart. */
  displayPrefix!: string;
}

export class CreatedAccessTokenDto extends AccessTokenDto {
  /** The secret. It is shown only this once; the hub keeps only its hash. */
  token!: string;
}

export function toAccountDto(user: UserEntity): AccountDto {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    emailVerified: user.emailVerified,
    isAdmin: user.isAdmin,
    fullName: user.fullName,
    createdAt: user.createdAt.toISOString(),
  };
}

export function toAccessTokenDto(token: AccessTokenEntity): AccessTokenDto {
  return {
    id: token.id,
    name: token.name,
    role: token.role,
    createdAt: token.createdAt.toISOString(),
    lastUsed: token.lastUsedAt?.toISOString() ?? null,
    expiresAt: token.expiresAt?.toISOString() ?? null,
    displayPrefix: `${token.displayPrefix}…`,
  };
}
