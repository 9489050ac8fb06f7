import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

/** `POST /api/{type}s/{id}/branch/{branch}`: Python sends `{}` or `{startingPoint}`, JS may add the flags. */
export class CreateBranchDto {
  /** Any revision (branch, tag, commit id); the default branch when absent. */
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  startingPoint?: string;

  /** Start the branch from a commit with no files and no parent instead. */
  @IsOptional()
  @IsBoolean()
  emptyBranch?: boolean;

  /** Move an existing branch to the starting point instead of answering 409. */
  @IsOptional()
  @IsBoolean()
  overwrite?: boolean;
}

/** `POST /api/{type}s/{id}/tag/{revision}`. */
export class CreateTagDto {
  @IsString()
  @MaxLength(1024)
  tag!: string;

  /** Makes an annotated tag carrying this message (and the caller as tagger). */
  @IsOptional()
  @IsString()
  @MaxLength(64 * 1024)
  message?: string;
}

/** `POST /api/{type}s/{id}/super-squash/{branch}`. */
export class SuperSquashDto {
  @IsOptional()
  @IsString()
  @MaxLength(64 * 1024)
  message?: string;
}

export class SuperSquashResponseDto {
  /** The single commit the branch now holds. */
  commitOid!: string;
  commitUrl!: string;
}
