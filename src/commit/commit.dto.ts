import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { REPO_TYPES, RepoType } from 'src/repo/repo-types';

/** Python v1 and JS send `true`/`false`, Python v0 `True`/`False`, flags `1` (hf-protocol §2.3). */
export function parseQueryBoolean({ value }: { value: unknown }): unknown {
  const last = Array.isArray(value) ? (value as unknown[])[value.length - 1] : value;
  if (typeof last !== 'string') {
    return last;
  }
  const normalized = last.trim().toLowerCase();
  if (normalized === 'true' || normalized === '1') {
    return true;
  }
  if (normalized === 'false' || normalized === '0' || normalized === '') {
    return false;
  }
  return last;
}

export class CommitQueryDto {
  /** Commit onto a new `refs/pr/<N>` made from the revision (which must be a branch). */
  @IsOptional()
  @Transform(parseQueryBoolean)
  @IsBoolean()
  create_pr?: boolean;

  /** Spaces only on the Hub; accepted and ignored here. */
  @IsOptional()
  @Transform(parseQueryBoolean)
  @IsBoolean()
  hot_reload?: boolean;
}

export class CommitResponseDto {
  /** `<base>/<prefix><ns>/<name>/commit/<oid>`, on the host the client called. */
  commitUrl!: string;
  /** The 40-hex git commit id: what `git rev-parse <branch>` prints after the commit. */
  commitOid!: string;
  /** `<repo url>/discussions/<N>` when `create_pr=1`, else null. */
  @ApiProperty({ type: String, nullable: true })
  pullRequestUrl!: string | null;
}

export class PreuploadFileDto {
  @IsString()
  @MaxLength(8192)
  path!: string;

  @IsInt()
  @Min(0)
  size!: number;

  /** Base64 of the first (up to 512) bytes, used to tell text from binary. */
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  sample?: string;

  /** Sent by some clients; the content id is not needed to choose the upload mode. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  sha256?: string;
}

export class PreuploadRequestDto {
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => PreuploadFileDto)
  files!: PreuploadFileDto[];

  /** Python: the `.gitignore` uploaded in the same commit; else the revision's `.gitignore` applies. */
  @IsOptional()
  @IsString()
  gitIgnore?: string;

  /** JS: the `.gitattributes` uploaded in the same commit; else the revision's applies. */
  @IsOptional()
  @IsString()
  gitAttributes?: string;
}

export const UPLOAD_MODES = ['regular', 'lfs'] as const;
export type UploadMode = (typeof UPLOAD_MODES)[number];

export class PreuploadFileResultDto {
  path!: string;

  @ApiProperty({ enum: UPLOAD_MODES, enumName: 'UploadMode' })
  uploadMode!: UploadMode;

  /** Ignored files are left out of the upload and of the commit by the clients. */
  shouldIgnore!: boolean;

  /** What the path holds now: git blob sha1 for regular files, sha256 for LFS files; absent when nothing is there. */
  oid?: string;
}

export class PreuploadResponseDto {
  @ApiProperty({ type: [PreuploadFileResultDto] })
  files!: PreuploadFileResultDto[];
}

export class ValidateYamlDto {
  /** The README.md text whose YAML front matter is checked. */
  @IsString()
  content!: string;

  @IsOptional()
  @ApiPropertyOptional({ enum: REPO_TYPES, enumName: 'RepoType' })
  @IsIn(REPO_TYPES)
  repoType?: RepoType;
}

export class YamlIssueDto {
  message!: string;
}

export class ValidateYamlResponseDto {
  @ApiProperty({ type: [YamlIssueDto] })
  errors!: YamlIssueDto[];

  @ApiProperty({ type: [YamlIssueDto] })
  warnings!: YamlIssueDto[];
}
