import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { GATED_MODES, REPO_TYPES, RepoType, SPACE_SDKS } from 'src/repo/repo-types';

export const VISIBILITIES = ['public', 'private', 'protected'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** A repository named as both clients send it: `name` (or `ns/name`), `organization`, `type`. */
export class RepoIdentifierDto {
  @IsString()
  @MaxLength(200)
  name!: string;

  /** Namespace; null or absent means the caller's own. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  organization?: string | null;

  @IsOptional()
  @ApiPropertyOptional({ enum: REPO_TYPES, enumName: 'RepoType' })
  @IsIn(REPO_TYPES)
  type?: RepoType;
}

/** `POST /api/repos/create`, as Python (`private` ≤ 1.7, `visibility` ≥ 1.8) and JS send it (hf-protocol §3.2). */
export class CreateRepoDto extends RepoIdentifierDto {
  @IsOptional()
  @IsBoolean()
  private?: boolean;

  @IsOptional()
  @ApiPropertyOptional({ enum: VISIBILITIES, enumName: 'RepoVisibility' })
  @IsIn(VISIBILITIES)
  visibility?: Visibility;

  /** Spaces only: gradio, streamlit, docker or static. */
  @IsOptional()
  @ApiPropertyOptional({ enum: SPACE_SDKS, enumName: 'SpaceSdk' })
  @IsIn(SPACE_SDKS)
  sdk?: string;
}

export class CreateRepoResponseDto {
  /** The repo's web URL on the host the client called; Python parses it into `RepoUrl`. */
  url!: string;
  id!: string;
  name!: string;
}

/** `DELETE /api/repos/delete`: Python sends `type` only when given; JS always does. */
export class DeleteRepoDto extends RepoIdentifierDto {}

const FULL_REPO_ID = /^[^/\s]+\/[^/\s]+$/;

export class MoveRepoDto {
  @Matches(FULL_REPO_ID, { message: 'fromRepo must look like namespace/name' })
  fromRepo!: string;

  @Matches(FULL_REPO_ID, { message: 'toRepo must look like namespace/name' })
  toRepo!: string;

  @IsOptional()
  @ApiPropertyOptional({ enum: REPO_TYPES, enumName: 'RepoType' })
  @IsIn(REPO_TYPES)
  type?: RepoType;
}

export class MoveRepoResponseDto {
  url!: string;
}

/**
 * `PUT /api/{type}s/{id}/settings`. `gated` is "auto", "manual" or false; `private` (old clients)
 * and `visibility` (new clients) are both accepted; LFS settings use the seed's snake_case names.
 */
export class UpdateRepoSettingsDto {
  @IsOptional()
  @IsBoolean()
  private?: boolean;

  @IsOptional()
  @ApiPropertyOptional({ enum: VISIBILITIES, enumName: 'RepoVisibility' })
  @IsIn(VISIBILITIES)
  visibility?: Visibility;

  @IsOptional()
  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', enum: [...GATED_MODES] },
      { type: 'boolean', enum: [false] },
    ],
  })
  @IsIn([...GATED_MODES, false])
  gated?: 'auto' | 'manual' | false;

  /** Files at or above this size are stored with LFS; null restores the server default. */
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsInt()
  @Min(1)
  lfs_threshold_bytes?: number | null;

  /** File suffixes always stored with LFS (e.g. ".safetensors"); null or [] restores the defaults. */
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(/^\.[A-Za-z0-9._-]{1,32}$/, { each: true, message: 'each LFS suffix rule must look like ".ext"' })
  lfs_suffix_rules?: string[] | null;
}

export class RepoLfsSettingsDto {
  lfs_threshold_bytes!: number | null;
  lfs_threshold_bytes_effective!: number;
  @ApiProperty({ enum: ['repository', 'server'] })
  lfs_threshold_bytes_source!: 'repository' | 'server';
  lfs_suffix_rules!: string[];
  lfs_suffix_rules_effective!: string[];
  server_defaults!: LfsServerDefaultsDto;
}

export class LfsServerDefaultsDto {
  lfs_threshold_bytes!: number;
  lfs_suffix_rules!: string[];
}
