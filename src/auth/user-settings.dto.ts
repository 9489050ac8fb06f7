import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, IsUrl, MaxLength, ValidateIf } from 'class-validator';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

/**
 * Profile fields a user may change; every field is optional and only the fields sent change.
 * An empty string (or null) clears `full_name`, `bio` and `website`.
 */
export class UpdateUserSettingsDto {
  /** Display name (the seed's `full_name`; `fullName` is accepted too). */
  @Transform(trim)
  @IsOptional()
  @IsString()
  @MaxLength(200)
  full_name?: string | null;

  /** Same as `full_name`, in the spelling some clients send. */
  @Transform(trim)
  @IsOptional()
  @IsString()
  @MaxLength(200)
  fullName?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(4000)
  bio?: string | null;

  /** An http(s) URL. */
  @Transform(trim)
  @IsOptional()
  @ValidateIf((dto: UpdateUserSettingsDto) => dto.website !== '')
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true },
    { message: 'website must be an http:// or https:// URL' },
  )
  @MaxLength(500)
  website?: string | null;

  /** A new email address: it must not belong to another account, and it has to be verified again. */
  @Transform(trim)
  @ValidateIf((dto: UpdateUserSettingsDto) => dto.email !== undefined)
  // isEmail also enforces the RFC length limits (64-byte local part, 254 bytes overall).
  @IsEmail({}, { message: 'email must be a valid email address' })
  email?: string;
}

export class UserSettingsResponseDto {
  success!: boolean;
  message!: string;
  username!: string;
  @ApiProperty({ type: String, nullable: true })
  full_name!: string | null;
  @ApiProperty({ type: String, nullable: true })
  bio!: string | null;
  @ApiProperty({ type: String, nullable: true })
  website!: string | null;
  @ApiProperty({ type: String, nullable: true })
  email!: string | null;
  email_verified!: boolean;
  /** True when this change mailed a verification link to a new address (SMTP is configured and sending worked). */
  email_verification_sent!: boolean;
}
