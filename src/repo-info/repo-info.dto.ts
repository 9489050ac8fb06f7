import { ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { parseQueryBoolean } from 'src/commit/commit.dto';

/** Repeated keys (`expand=a&expand=b`), bracket form (`expand[]=a`) and single values all become arrays. */
function toStringArray({ value }: { value: unknown }): unknown {
  if (value === undefined) {
    return undefined;
  }
  return Array.isArray(value) ? value : [value];
}

/** The last occurrence of a repeated scalar parameter. */
function lastOf({ value }: { value: unknown }): unknown {
  return Array.isArray(value) ? (value as unknown[])[value.length - 1] : value;
}

/** A decimal count, or the raw value so that validation reports it. */
function toCount({ value }: { value: unknown }): unknown {
  const last = lastOf({ value });
  return typeof last === 'string' && /^\d{1,15}$/.test(last.trim()) ? Number(last) : last;
}

export const LIST_SORTS = [
  'trending',
  'trendingScore',
  'trending_score',
  'downloads',
  'likes',
  'lastModified',
  'last_modified',
  'updated',
  'createdAt',
  'created_at',
  'recent',
] as const;
export type ListSort = (typeof LIST_SORTS)[number];

/** `-1` (the Hub's old spelling) or `desc`: largest first, the default; `1` or `asc`: smallest first. */
export const LIST_DIRECTIONS = ['-1', '1', 'desc', 'asc'] as const;
export type ListDirection = (typeof LIST_DIRECTIONS)[number];

/** `GET /api/{type}s/{id}` and `…/revision/{rev}` (hf-protocol §3.3). */
export class RepoInfoQueryDto {
  /** Return only these properties (plus `_id` and `id`); an unknown one is a 400. */
  @IsOptional()
  @Transform(toStringArray)
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  expand?: string[];

  /** Siblings carry `size`, `blobId` and `lfs` (Python `files_metadata=True`). */
  @IsOptional()
  @Transform(parseQueryBoolean)
  @IsBoolean()
  blobs?: boolean;

  /** Sent by Python `model_info(securityStatus=True)`; this hub runs no scanner, so nothing is added. */
  @IsOptional()
  @Transform(parseQueryBoolean)
  @IsBoolean()
  securityStatus?: boolean;
}

/** `GET /api/models|datasets|spaces` (hf-protocol §3.4). */
export class ListReposQueryDto {
  /** Every term must occur in `namespace/name`, case-insensitively. */
  @IsOptional()
  @Transform(toStringArray)
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  search?: string[];

  /** The namespace (user or organisation) owning the repositories. */
  @IsOptional()
  @Transform(lastOf)
  @IsString()
  @MaxLength(64)
  author?: string;

  /** Tags every repository must have (`license:mit`, `text-classification`, `language:en`, …). */
  @IsOptional()
  @Transform(toStringArray)
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(255, { each: true })
  filter?: string[];

  @IsOptional()
  @Transform(lastOf)
  @IsString()
  @MaxLength(128)
  pipeline_tag?: string;

  /** Only gated (true) or only non-gated (false) repositories. */
  @IsOptional()
  @Transform(parseQueryBoolean)
  @IsBoolean()
  gated?: boolean;

  /** Default `trending`; `trending` and `trendingScore` are the same order. */
  @IsOptional()
  @Transform(lastOf)
  @ApiPropertyOptional({ enum: LIST_SORTS, enumName: 'RepoListSort' })
  @IsIn(LIST_SORTS)
  sort?: ListSort;

  @IsOptional()
  @Transform(lastOf)
  @ApiPropertyOptional({ enum: LIST_DIRECTIONS, enumName: 'RepoListDirection' })
  @IsIn(LIST_DIRECTIONS)
  direction?: ListDirection;

  /** Items per page; more than the server's page size (`KOHAKU_HUB_LIST_MAX_PAGE_SIZE`) is capped to it. */
  @IsOptional()
  @Transform(toCount)
  @IsInt({ message: 'limit must be a positive integer' })
  @Min(1, { message: 'limit must be a positive integer' })
  limit?: number;

  /** Adds `sha`, `siblings` and `cardData` to every item. */
  @IsOptional()
  @Transform(parseQueryBoolean)
  @IsBoolean()
  full?: boolean;

  @IsOptional()
  @Transform(parseQueryBoolean)
  @IsBoolean()
  cardData?: boolean;

  @IsOptional()
  @Transform(toStringArray)
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  expand?: string[];

  /** Where the previous page ended, from its `Link: <…>; rel="next"`. */
  @IsOptional()
  @Transform(lastOf)
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

/** `GET /api/users/{username}/repos`: each type's list, up to `limit` (capped to the page size) each. */
export class ListUserReposQueryDto extends PickType(ListReposQueryDto, ['sort', 'direction', 'limit'] as const) {}

export class RepoSiblingLfsDto {
  sha256!: string;
  size!: number;
  pointerSize!: number;
}

export class RepoSiblingDto {
  rfilename!: string;
  /** With `blobs=true`: the content size (the object's for LFS files). */
  size?: number;
  /** With `blobs=true`: the git blob id. */
  blobId?: string;
  lfs?: RepoSiblingLfsDto;
}

/**
 * A repository as repo info and listings render it. Which properties appear depends on the type,
 * the endpoint and `expand`; `_id` and `id` always do. Dates are ISO-8601 UTC ending in `Z`.
 */
export class RepoInfoDto {
  /** Opaque and stable across renames. */
  _id!: string;
  /** `namespace/name`. */
  id!: string;
  modelId?: string;
  author?: string;
  /** The commit the revision resolved to (info), or the indexed head of the default branch (listings). */
  sha?: string;
  lastModified?: string;
  createdAt?: string;
  private?: boolean;
  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', enum: ['auto', 'manual'] },
      { type: 'boolean', enum: [false] },
    ],
  })
  gated?: 'auto' | 'manual' | false;
  disabled?: boolean;
  downloads?: number;
  downloadsAllTime?: number;
  likes?: number;
  trendingScore?: number;
  /** Bytes of the distinct blobs and LFS objects the default branch head references. */
  usedStorage?: number;
  tags?: string[];
  /** The README's YAML front matter. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  cardData?: Record<string, unknown>;
  pipeline_tag?: string;
  library_name?: string;
  siblings?: RepoSiblingDto[];
  /** Spaces. */
  sdk?: string;
  /** Spaces: the models and datasets their card names. */
  models?: string[];
  datasets?: string[];
  /** Datasets: the README's first paragraph of prose. */
  description?: string;
  /** Datasets: the README's first BibTeX block. */
  citation?: string;
  paperswithcode_id?: string;
}

export class UserReposDto {
  models!: RepoInfoDto[];
  datasets!: RepoInfoDto[];
  spaces!: RepoInfoDto[];
}
