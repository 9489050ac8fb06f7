import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { REPO_NAME_TYPES, RepoNameType } from 'src/auth/repo-name-registry';

/** Absurdly long input is refused outright; anything shorter gets a verdict. */
const MAX_CHECKED_LENGTH = 1000;

export class CheckNameDto {
  /** The user, organization or repository name to check. */
  @IsString()
  @MaxLength(MAX_CHECKED_LENGTH)
  name!: string;

  /** Given: `name` is a repository name in this user's or organization's namespace. Absent: `name` is a user or organization name. */
  @Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CHECKED_LENGTH)
  namespace?: string;

  /** Repository type, with `namespace`; defaults to `model`. */
  @IsOptional()
  @IsIn(REPO_NAME_TYPES)
  @ApiProperty({ enum: REPO_NAME_TYPES, enumName: 'RepoType', required: false })
  type?: RepoNameType;
}

export class CheckNameResponseDto {
  available!: boolean;
  /** The name as compared: lower-case, with `-` folded to `_`. */
  normalized_name!: string;
  /** The existing user, organization (`name`) or repository (`namespace/name`) the name collides with. */
  @ApiProperty({ type: String, nullable: true })
  conflict_with!: string | null;
  /** Why the name is or is not available, for people. */
  message!: string;
}
