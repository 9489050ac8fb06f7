import { isDeletion, RefUpdate } from 'src/git/push-inspection';

const PULL_REQUEST_REF = /^refs\/pr\/[1-9]\d{0,8}$/;
const PUSHABLE_PREFIXES = ['refs/heads/', 'refs/tags/'];

export interface RefRuleContext {
  /** The repository's default branch (the database's, and HEAD's if they differ). */
  defaultBranches: readonly string[];
}

/**
 * Why the ref updates of a push are refused, one message per offending ref; empty when they may
 * proceed. Only branches, tags and pull request refs (`refs/pr/N`) can be pushed, and the default
 * branch cannot be deleted (HEAD would point nowhere and every client would lose `main`).
 * Permission to push at all is decided before receive-pack runs.
 */
export function refUpdateProblems(updates: readonly RefUpdate[], context: RefRuleContext): string[] {
  const problems: string[] = [];
  for (const update of updates) {
    const { ref } = update;
    const isPushable =
      PULL_REQUEST_REF.test(ref) ||
      PUSHABLE_PREFIXES.some((prefix) => ref.startsWith(prefix) && ref.length > prefix.length);
    if (!isPushable) {
      problems.push(`${ref}: only branches (refs/heads/*), tags (refs/tags/*) and refs/pr/<number> can be pushed`);
      continue;
    }
    if (isDeletion(update) && context.defaultBranches.some((branch) => ref === `refs/heads/${branch}`)) {
      problems.push(`${ref}: the default branch cannot be deleted`);
    }
  }
  return problems;
}
