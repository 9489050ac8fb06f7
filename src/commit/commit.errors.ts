import { BadRequestError, ConflictError, ForbiddenError, PreconditionFailedError } from 'src/common/errors/hub-error';

/** `parentCommit` is no longer the head: the client's view is stale. The text is the Hub's own. */
export class StaleParentCommitError extends PreconditionFailedError {
  constructor() {
    super('The branch was updated since you opened this page. Please refresh and try again.');
  }
}

/** Rebase-and-retry gave up: other writers kept moving the branch. */
export class CommitContentionError extends ConflictError {
  constructor(ref: string) {
    super(`${ref} is being updated by too many concurrent commits; please try again`);
  }
}

export class InvalidBranchNameError extends BadRequestError {
  constructor(name: string) {
    super(`Invalid reference for a branch: ${name}`);
  }
}

export class InvalidTagNameError extends BadRequestError {
  constructor(name: string) {
    super(`Invalid reference for a tag: ${name}`);
  }
}

export class RefExistsError extends ConflictError {
  constructor(ref: string) {
    super(`Reference ${ref} already exists`);
  }
}

export class DefaultBranchDeletionError extends ForbiddenError {
  constructor(branch: string) {
    super(`Cannot delete refs/heads/${branch}`);
  }
}
