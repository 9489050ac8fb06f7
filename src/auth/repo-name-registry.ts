export const REPO_NAME_TYPES = ['model', 'dataset', 'space'] as const;
export type RepoNameType = (typeof REPO_NAME_TYPES)[number];

export const REPO_NAME_MAX_LENGTH = 96;

/**
 * Answers whether a repository name is taken in a namespace. The repo module implements it;
 * the name check endpoint asks it when it is provided.
 */
export abstract class RepoNameRegistry {
  /**
   * The stored name (without namespace) of the repository of `type` in `namespace` whose
   * normalised name (lower-case, `-` folded to `_`) equals `normalizedName`, or null when none.
   */
  abstract findConflict(namespace: string, type: RepoNameType, normalizedName: string): Promise<string | null>;
}

/** Returns why a repository name is unacceptable, or null when it is fine (Hugging Face's rules). */
export function repoNameProblem(name: string): string | null {
  if (name.length < 1 || name.length > REPO_NAME_MAX_LENGTH) {
    return `must be 1 to ${REPO_NAME_MAX_LENGTH} characters long`;
  }
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    return 'may contain only letters, digits, "-", "_" and "."';
  }
  if (/^[-.]|[-.]$/.test(name)) {
    return 'must not start or end with "-" or "."';
  }
  if (name.includes('--') || name.includes('..')) {
    return 'must not contain "--" or ".."';
  }
  if (name.toLowerCase().endsWith('.git')) {
    return 'must not end with ".git"';
  }
  return null;
}
