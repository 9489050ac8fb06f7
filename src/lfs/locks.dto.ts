import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { LfsLockEntity } from 'src/lfs/locks.entity';

export const MAX_LOCKS_PAGE = 1000;
const DEFAULT_LOCKS_PAGE = 100;

/** `{ "name": "refs/heads/main" }`: the ref a client works on; informational here. */
export class LfsLockRefDto {
  @IsString()
  @MaxLength(255)
  name!: string;
}

/** `POST …/info/lfs/locks` (git-lfs docs/api/locking.md). */
export class CreateLfsLockDto {
  /** Repository-relative path of the file to lock. */
  @IsString()
  @MaxLength(4096)
  path!: string;

  @IsOptional()
  @IsObject()
  @Type(() => LfsLockRefDto)
  ref?: LfsLockRefDto | null;
}

/** Query of `GET …/info/lfs/locks`: filters by path or id, cursor pagination. */
export class ListLfsLocksQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  path?: string;

  @IsOptional()
  @Matches(/^\d{1,12}$/, { message: 'id must be a lock id' })
  id?: string;

  /** The `next_cursor` of the previous page. */
  @IsOptional()
  @Matches(/^\d{1,12}$/, { message: 'cursor must be a next_cursor value of this API' })
  cursor?: string;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(MAX_LOCKS_PAGE)
  limit: number = DEFAULT_LOCKS_PAGE;

  /** Sent by git-lfs ≥ 2.9; locks are not per ref here, so it does not filter. */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  refspec?: string;
}

/** `POST …/info/lfs/locks/verify`: which locks are the caller's and which are others'. */
export class VerifyLfsLocksDto {
  @IsOptional()
  @IsObject()
  @Type(() => LfsLockRefDto)
  ref?: LfsLockRefDto | null;

  @IsOptional()
  @Matches(/^\d{1,12}$/, { message: 'cursor must be a next_cursor value of this API' })
  cursor?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_LOCKS_PAGE)
  limit: number = DEFAULT_LOCKS_PAGE;
}

/** `POST …/info/lfs/locks/{id}/unlock`. */
export class UnlockLfsLockDto {
  /** Remove another user's lock; repository administrators only. */
  @IsOptional()
  @IsBoolean()
  force?: boolean;

  @IsOptional()
  @IsObject()
  @Type(() => LfsLockRefDto)
  ref?: LfsLockRefDto | null;
}

export class LfsLockOwnerDto {
  name!: string;
}

export class LfsLockDto {
  /** A string in the protocol, although the ids are numbers here. */
  id!: string;
  path!: string;
  /** RFC 3339, UTC. */
  locked_at!: string;
  owner!: LfsLockOwnerDto;
}

export class LfsLockResponseDto {
  lock!: LfsLockDto;
}

/** A 409 from lock creation carries the lock that is in the way. */
export class LfsLockConflictDto {
  lock!: LfsLockDto;
  message!: string;
}

export class ListLfsLocksResponseDto {
  locks!: LfsLockDto[];
  @ApiPropertyOptional()
  next_cursor?: string;
}

export class VerifyLfsLocksResponseDto {
  ours!: LfsLockDto[];
  theirs!: LfsLockDto[];
  @ApiPropertyOptional()
  next_cursor?: string;
}

/** The entity must have its `owner` loaded. */
export function toLfsLockDto(lock: LfsLockEntity): LfsLockDto {
  return {
    id: String(lock.id),
    path: lock.path,
    locked_at: lock.createdAt.toISOString(),
    owner: { name: lock.owner?.username ?? 'unknown' },
  };
}
