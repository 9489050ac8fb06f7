import { BadRequestError, ConflictError, HubError, HubErrorOptions, ServerError } from 'src/common/errors/hub-error';

export interface GitCommandFailure {
  /** The git subcommand (`update-ref`, `fast-import`, …); safe to show. */
  subcommand: string;
  /** The full argument list; may contain server paths, so it is for logs only. */
  args: readonly string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** What git printed on stderr (truncated); for logs only, it can name server paths. */
  stderr: string;
  isTimedOut?: boolean;
  isOutputTooLarge?: boolean;
}

/**
 * A git child process failed. The client sees only "git <subcommand> failed"; the exit status and
 * stderr stay on the object for the logs, because they can contain server paths.
 */
export class GitCommandError extends ServerError {
  readonly subcommand: string;
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly isTimedOut: boolean;
  readonly isOutputTooLarge: boolean;

  constructor(failure: GitCommandFailure, options?: HubErrorOptions) {
    const reason = failure.isTimedOut ? ' (timed out)' : failure.isOutputTooLarge ? ' (output too large)' : '';
    super(`git ${failure.subcommand} failed${reason}`, options);
    this.subcommand = failure.subcommand;
    this.args = failure.args;
    this.exitCode = failure.exitCode;
    this.signal = failure.signal;
    this.stderr = failure.stderr;
    this.isTimedOut = failure.isTimedOut ?? false;
    this.isOutputTooLarge = failure.isOutputTooLarge ?? false;
  }
}

/**
 * Why a compare-and-swap on a ref lost:
 * - `stale`: the ref did not hold the expected value (moved, created or deleted meanwhile);
 * - `locked`: another writer held the ref lock for longer than git waits;
 * - `name-conflict`: a ref on the same path prefix exists (`refs/heads/a` blocks `refs/heads/a/b`).
 * The first two are worth a retry after re-reading the ref; the last is not.
 */
export type RefConflictReason = 'stale' | 'locked' | 'name-conflict';

/** A ref update lost its compare-and-swap. Commit code turns it into 412 or a rebase-and-retry. */
export class RefUpdateConflictError extends ConflictError {
  constructor(
    readonly ref: string,
    readonly reason: RefConflictReason,
    options?: HubErrorOptions,
  ) {
    super(
      reason === 'name-conflict'
        ? `Reference ${ref} conflicts with an existing reference`
        : `Reference ${ref} was updated concurrently`,
      options,
    );
  }
}

export class InvalidRefNameError extends BadRequestError {
  constructor(ref: string) {
    super(`Invalid reference name: ${JSON.stringify(ref)}`);
  }
}

/** Refused before git sees it: empty, starting with `-`, or not shaped like a ref name or an object id. */
export class InvalidRevisionError extends BadRequestError {
  constructor(revision: string) {
    super(`Invalid revision: ${JSON.stringify(revision)}`);
  }
}

/** Internal ids (object ids, storage ids) are chosen by the server, so a bad one is a bug: 500. */
export class InvalidGitIdError extends ServerError {
  constructor(kind: string) {
    super(`Invalid ${kind}`);
  }
}

export class GitRepoAlreadyExistsError extends ConflictError {
  constructor(storageId: string) {
    super(`A git repository with storage id ${storageId} already exists`);
  }
}

/** The object exists but is not of the kind asked for (for example a tree id given to `readBlob`). */
export class GitObjectTypeError extends HubError {
  constructor(oid: string, expected: string, actual: string) {
    super(500, 'ServerError', `Object ${oid} is a ${actual}, not a ${expected}`);
  }
}
