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
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { parseQueryBoolean } from 'src/commit/commit.dto';
import { MAX_CURSOR_LENGTH } from 'src/browse/page-cursor';

/** The Hub's limit on one paths-info request (the Python client sends at most 500). */
export const MAX_PATHS_INFO_PATHS = 1000;
/** Largest page any listing hands out. */
export const MAX_PAGE_SIZE = 1000;
export const COMMIT_EXPAND_FIELDS = ['formatted'] as const;

/** A single value or repeated keys (`expand=a&expand=b`, `expand[]=a`), as an array. */
function toArray({ value }: { value: unknown }): unknown {
  return typeof value === 'string' ? [value] : value;
}

export class TreeQueryDto {
  /** List everything below the folder, folders included, instead of its direct children. */
  @IsOptional()
  @Transform(parseQueryBoolean)
  @IsBoolean()
  recursive?: boolean;

  /** Add `lastCommit` to every entry (smaller default page: 50 instead of 1000). */
  @IsOptional()
  @Transform(parseQueryBoolean)
  @IsBoolean()
  expand?: boolean;

  /** Entries per page. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  /** From the `Link` header of the previous page. */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CURSOR_LENGTH)
  cursor?: string;
}

export class PathsInfoDto {
  /** Form bodies repeat the key (`paths=a&paths=b`); a single path arrives as a string. */
  @ApiProperty({ type: [String], maxItems: MAX_PATHS_INFO_PATHS })
  @Transform(toArray)
  @IsArray()
  @ArrayMaxSize(MAX_PATHS_INFO_PATHS)
  @IsString({ each: true })
  paths!: string[];

  /** Add `lastCommit` to every entry. */
  @IsOptional()
  @Transform(parseQueryBoolean)
  @IsBoolean()
  expand?: boolean;
}

export class RefsQueryDto {
  /** Also list `refs/pr/<N>` under `pullRequests`. */
  @IsOptional()
  @Transform(parseQueryBoolean)
  @IsBoolean()
  include_prs?: boolean;
}

export class CommitsQueryDto {
  /** Commits per page (default 50). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  /** From the `Link` header of the previous page. */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CURSOR_LENGTH)
  cursor?: string;

  /** `formatted` adds HTML renderings of title and message; sent as `expand[]=formatted` by Python. */
  @ApiPropertyOptional({ type: [String], enum: COMMIT_EXPAND_FIELDS })
  @IsOptional()
  @Transform(toArray)
  @IsArray()
  @IsIn(COMMIT_EXPAND_FIELDS, { each: true })
  expand?: string[];
}

export class LfsInfoDto {
  /** sha256 of the content. */
  oid!: string;
  /** Bytes of the content. */
  size!: number;
  /** Bytes of the pointer file stored in git. */
  pointerSize!: number;
}

export class LastCommitDto {
  id!: string;
  title!: string;
  /** ISO-8601, UTC, ending in `Z`. */
  date!: string;
}

export class TreeEntryDto {
  @ApiProperty({ enum: ['file', 'directory'] })
  type!: 'file' | 'directory';
  /** git blob id (for LFS files: of the pointer), or git tree id for folders. */
  oid!: string;
  /** Bytes of the content (LFS files: of the object); 0 for folders. */
  size!: number;
  /** Full path from the repository root. */
  path!: string;
  /** LFS files only. */
  lfs?: LfsInfoDto;
  /** With `expand` only. */
  lastCommit?: LastCommitDto;
}

export class RefDto {
  name!: string;
  ref!: string;
  targetCommit!: string;
}

export class RefsResponseDto {
  @ApiProperty({ type: [RefDto] })
  branches!: RefDto[];
  @ApiProperty({ type: [RefDto] })
  tags!: RefDto[];
  /** `refs/convert/<name>`; always present, usually empty. */
  @ApiProperty({ type: [RefDto] })
  converts!: RefDto[];
  /** `refs/pr/<N>`, with `include_prs=1` only. */
  @ApiPropertyOptional({ type: [RefDto] })
  pullRequests?: RefDto[];
}

export class CommitAuthorDto {
  /** The hub account when the hub made the commit, else the git author name. */
  user!: string;
  /** Hub accounts only. */
  avatar?: string;
}

export class FormattedCommitDto {
  title!: string;
  message!: string;
}

export class CommitEntryDto {
  id!: string;
  title!: string;
  /** The message after the title (empty when there is none). */
  message!: string;
  @ApiProperty({ type: [CommitAuthorDto] })
  authors!: CommitAuthorDto[];
  /** Commit date: ISO-8601, UTC, ending in `Z`. */
  date!: string;
  /** With `expand[]=formatted` only: HTML-escaped renderings. */
  formatted?: FormattedCommitDto;
}
