import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { SSH_KEY_TYPES, SshKeyType } from 'src/auth/ssh-keys.parser';
import { SshKeyEntity } from 'src/auth/ssh-key.entity';

/** Long enough for a 16384-bit RSA key with a comment. */
const MAX_KEY_TEXT_LENGTH = 16_384;

export class CreateSshKeyDto {
  /** A name to recognise the key by, e.g. "Work laptop". */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty({ message: 'title must not be empty' })
  @MaxLength(100)
  title!: string;

  /**
   * The public key in OpenSSH format, `<type> <base64 data> [comment]`: the contents of a `.pub` file.
   * @example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB... user@host
   */
  @IsString()
  @IsNotEmpty({ message: 'key must not be empty' })
  @MaxLength(MAX_KEY_TEXT_LENGTH)
  key!: string;
}

export class SshKeyResponseDto {
  id!: number;
  title!: string;
  @ApiProperty({ enum: SSH_KEY_TYPES, enumName: 'SshKeyType' })
  key_type!: SshKeyType;
  /** `SHA256:` followed by the unpadded base64 SHA-256 of the key, as `ssh-keygen -lf` prints it. */
  fingerprint!: string;
  created_at!: string;
  /** When the key last authenticated a git operation; null if never. */
  @ApiProperty({ type: String, nullable: true })
  last_used!: string | null;
}

export class DeleteSshKeyResponseDto {
  success!: boolean;
  message!: string;
}

export function toSshKeyDto(entity: SshKeyEntity): SshKeyResponseDto {
  return {
    id: entity.id,
    title: entity.title,
    key_type: entity.keyType as SshKeyType,
    fingerprint: entity.fingerprint,
    created_at: entity.createdAt.toISOString(),
    last_used: entity.lastUsed?.toISOString() ?? null,
  };
}
