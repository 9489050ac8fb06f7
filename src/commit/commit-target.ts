import { RevisionNotFoundError } from 'src/common/errors/hub-error';
import { GitRepository, isRefNameShaped } from 'src/git/git-repository';
import { RefUpdateConflictError } from 'src/git/git.errors';
import { StaleParentCommitError } from 'src/commit/commit.errors';

const PULL_REQUEST_REF = /^refs\/pr\/(\d+)$/;
/** Pull request numbers tried past the highest existing one before giving up (concurrent openers). */
const MAX_PR_ALLOCATION_ATTEMPTS = 20;

/**
 * Where a commit lands. `ref` is the branch or pull request ref to move; for a new pull request it
 * is null: the ref is allocated only once the commit exists, so a failed commit leaves no empty PR.
 */
export interface CommitTarget {
  ref: string | null;
  /** The commit the new one is built on. */
  baseSha: string;
  /** `parentCommit` was given: a moved head is a 412, never a rebase. */
  isParentPinned: boolean;
  /** The revision as the client named it, for error messages. */
  revision: string;
}

export interface PullRequestRef {
  ref: string;
  number: number;
}

/** The commit any revision names (branch, tag, `refs/pr/N`, commit id, `HEAD`), or RevisionNotFound. */
export async function resolveRevision(git: GitRepository, revision: string): Promise<string> {
  const commit = isRefNameShaped(revision) ? await git.resolveCommit(revision) : null;
  if (commit === null) {
    throw new RevisionNotFoundError(revision);
  }
  return commit;
}

/** A branch name as the URL gives it (`main`, `feat/x`, `refs/heads/main`), or null for anything else. */
export function branchNameOf(revision: string): string | null {
  const name = revision.startsWith('refs/heads/') ? revision.slice('refs/heads/'.length) : revision;
  if (name.startsWith('refs/') || name === 'HEAD' || !isRefNameShaped(`refs/heads/${name}`)) {
    return null;
  }
  return name;
}

async function resolveBranch(git: GitRepository, revision: string): Promise<{ ref: string; head: string }> {
  const name = revision === 'HEAD' ? await git.defaultBranch() : branchNameOf(revision);
  const head = name === null ? null : await git.resolveCommit(`refs/heads/${name}`);
  if (name === null || head === null) {
    throw new RevisionNotFoundError(revision);
  }
  return { ref: `refs/heads/${name}`, head };
}

/**
 * The ref a commit to `revision` moves and the commit it builds on. A branch or an existing
 * `refs/pr/N` can be committed to; tags and commit ids cannot. With `createPr` the revision must be
 * a branch, and the new pull request starts from `parentCommit` when given, else from the branch.
 * Without it, a `parentCommit` that is not the current head is a 412.
 */
export async function resolveCommitTarget(
  git: GitRepository,
  revision: string,
  createPr: boolean,
  parentCommit: string | undefined,
): Promise<CommitTarget> {
  if (createPr) {
    const branch = await resolveBranch(git, revision);
    let baseSha = branch.head;
    if (parentCommit !== undefined) {
      const parent = await git.resolveCommit(parentCommit);
      if (parent === null) {
        throw new RevisionNotFoundError(parentCommit);
      }
      baseSha = parent;
    }
    return { ref: null, baseSha, isParentPinned: false, revision };
  }
  let target: { ref: string; head: string };
  if (PULL_REQUEST_REF.test(revision)) {
    const head = await git.resolveCommit(revision);
    if (head === null) {
      throw new RevisionNotFoundError(revision);
    }
    target = { ref: revision, head };
  } else {
    target = await resolveBranch(git, revision);
  }
  if (parentCommit !== undefined && !target.head.startsWith(parentCommit)) {
    throw new StaleParentCommitError();
  }
  return { ref: target.ref, baseSha: target.head, isParentPinned: parentCommit !== undefined, revision };
}

/**
 * Creates `refs/pr/<N>` at `commitSha` with the next free number: one above the highest existing
 * pull request ref, moving on when a concurrent request takes the number first.
 */
export async function createPullRequestRef(git: GitRepository, commitSha: string): Promise<PullRequestRef> {
  const existing = await git.listRefs(['refs/pr']);
  let number =
    existing.reduce((highest, ref) => {
      const match = PULL_REQUEST_REF.exec(ref.name);
      return match === null ? highest : Math.max(highest, Number(match[1]));
    }, 0) + 1;
  for (let attempt = 1; ; attempt++, number++) {
    const ref = `refs/pr/${number}`;
    try {
      await git.updateRef(ref, commitSha, null);
      return { ref, number };
    } catch (error) {
      if (!(error instanceof RefUpdateConflictError) || attempt >= MAX_PR_ALLOCATION_ATTEMPTS) {
        throw error;
      }
    }
  }
}
