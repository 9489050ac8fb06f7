import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { LFS_OID_PATTERN } from 'src/lfs/lfs-keys';
import { MAX_MULTIPART_PARTS } from 'src/lfs/lfs-transfer-policy';

/** git-lfs's media type for batch, verify and completion bodies (git-lfs docs/api/batch.md). */
export const LFS_MEDIA_TYPE = 'application/vnd.git-lfs+json';

export const LFS_OPERATIONS = ['upload', 'download'] as const;
export type LfsOperation = (typeof LFS_OPERATIONS)[number];

/** The transfer adapters this server answers with; `xet` is never answered (hf-protocol §0.13). */
export const LFS_TRANSFERS = ['basic', 'multipart'] as const;
export type LfsTransfer = (typeof LFS_TRANSFERS)[number];

/** One requested object. Left unvalidated by the pipe on purpose: a bad entry is a per-object 422, not a failed batch. */
export class LfsBatchObjectDto {
  /** sha256 of the content, 64 lower-case hex digits. */
  oid!: string;
  size!: number;
}

export class LfsBatchRefDto {
  /** e.g. `refs/heads/main`; used for authorisation only. */
  name!: string;
}

/**
 * `POST {repo}.git/info/lfs/objects/batch` (git-lfs docs/api/batch.md, hf-protocol §3.13). Python
 * sends `hash_algo: "sha256"`, JS `"sha_256"`; `ref` is absent for pull requests and may be null.
 */
export class LfsBatchRequestDto {
  @ApiProperty({ enum: LFS_OPERATIONS, enumName: 'LfsOperation' })
  @IsIn(LFS_OPERATIONS)
  operation!: LfsOperation;

  /** Adapters the client can use; absent means `["basic"]`. */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  transfers?: string[];

  @IsOptional()
  @IsObject()
  @ApiPropertyOptional({ type: LfsBatchRefDto, nullable: true })
  ref?: LfsBatchRefDto | null;

  @ApiProperty({ type: [LfsBatchObjectDto] })
  @IsArray()
  objects!: unknown[];

  /** `sha256` (also spelt `sha_256`) when present. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  hash_algo?: string;
}

export class LfsActionDto {
  href!: string;
  /** For HF multipart uploads: `chunk_size` and the part URLs under keys "1".."N". */
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  header?: Record<string, string>;
  expires_in?: number;
}

export class LfsActionsDto {
  upload?: LfsActionDto;
  verify?: LfsActionDto;
  download?: LfsActionDto;
}

export class LfsObjectErrorDto {
  /** 404: no such object; 422: invalid oid or size. */
  code!: number;
  message!: string;
}

export class LfsBatchObjectResponseDto {
  oid!: string;
  size!: number;
  /** Tells git-lfs the action URLs need no credentials of their own (they are signed). */
  authenticated?: boolean;
  /** Absent for an upload the server already holds: the client skips it (deduplication). */
  actions?: LfsActionsDto;
  error?: LfsObjectErrorDto;
}

export class LfsBatchResponseDto {
  @ApiProperty({ enum: LFS_TRANSFERS, enumName: 'LfsTransfer' })
  transfer!: LfsTransfer;
  objects!: LfsBatchObjectResponseDto[];
  hash_algo!: 'sha256';
}

/** The verify action's body, sent by Python and git-lfs after an upload (JS never verifies). */
export class LfsVerifyRequestDto {
  @Matches(LFS_OID_PATTERN, { message: 'oid must be a sha256: 64 lower-case hex digits' })
  oid!: string;

  @IsInt()
  @Min(0)
  size!: number;
}

export class LfsCompletedPartDto {
  @IsInt()
  @Min(1)
  partNumber!: number;

  /** As the part response's `ETag` header gave it, quotes included. */
  @IsString()
  @MaxLength(256)
  etag!: string;
}

/** HF multipart completion: `{oid, parts: [{partNumber, etag}]}`, posted without credentials to the signed href. */
export class LfsCompleteMultipartDto {
  @Matches(LFS_OID_PATTERN, { message: 'oid must be a sha256: 64 lower-case hex digits' })
  oid!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_MULTIPART_PARTS)
  @ValidateNested({ each: true })
  @Type(() => LfsCompletedPartDto)
  parts!: LfsCompletedPartDto[];
}
