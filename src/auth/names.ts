/**
 * Names of users and organisations (namespaces). They share one space, compared after
 * normalisation (case-insensitive, `-` and `_` equivalent), as the seed's check-name examples show.
 */
export const NAMESPACE_MIN_LENGTH = 2;
export const NAMESPACE_MAX_LENGTH = 42;

/** Words that are URL prefixes or would read as system accounts. */
export const RESERVED_NAMES = new Set(
  [
    'admin',
    'administrator',
    'api',
    'auth',
    'datasets',
    'dataset',
    'docs',
    'health',
    'login',
    'logout',
    'models',
    'model',
    'new',
    'org',
    'orgs',
    'organization',
    'organizations',
    'raw',
    'resolve',
    'root',
    'settings',
    'spaces',
    'space',
    'static',
    'system',
    'user',
    'users',
    'www',
  ].map((word) => normalizeName(word)),
);

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/-/g, '_');
}

/** Returns why a namespace name is unacceptable, or null when it is fine. */
export function namespaceNameProblem(name: string): string | null {
  if (name.length < NAMESPACE_MIN_LENGTH || name.length > NAMESPACE_MAX_LENGTH) {
    return `must be ${NAMESPACE_MIN_LENGTH} to ${NAMESPACE_MAX_LENGTH} characters long`;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*[A-Za-z0-9]$/.test(name)) {
    return 'may contain only letters, digits, "-" and "_", and must start and end with a letter or digit';
  }
  if (/[-_]{2}/.test(name)) {
    return 'must not contain two "-" or "_" in a row';
  }
  if (RESERVED_NAMES.has(normalizeName(name))) {
    return 'is reserved';
  }
  return null;
}
