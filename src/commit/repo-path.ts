import { InvalidPathError } from 'src/common/errors/hub-error';

/** Git stores any byte string, but a path that long cannot be checked out on common file systems. */
export const MAX_REPO_PATH_BYTES = 4096;
export const MAX_PATH_SEGMENT_BYTES = 255;

// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
const CONTROL_CHARACTERS = /[\x00-\x1f\x7f]/;

/**
 * Checks a file path sent by a client (commit operations, preupload entries) and returns it
 * unchanged, or throws `InvalidPathError` (422) naming it. Refused: anything that is not a
 * non-empty string, absolute paths, empty, `.` or `..` segments, a `.git` segment in any case,
 * NUL and other control characters, and over-long paths or segments. Backslashes count as
 * separators for the `.`/`..` check, so Windows-style traversal (`..\x`) is refused as well.
 */
export function validateRepoPath(path: unknown): string {
  if (typeof path !== 'string') {
    throw new InvalidPathError(String(path), 'must be a string');
  }
  if (path === '') {
    throw new InvalidPathError(path, 'must not be empty');
  }
  if (CONTROL_CHARACTERS.test(path)) {
    // Named with escapes, so the message itself carries no control characters.
    throw new InvalidPathError(JSON.stringify(path).slice(1, -1), 'must not contain NUL or control characters');
  }
  if (path.startsWith('/')) {
    throw new InvalidPathError(path, 'must be relative to the repository root');
  }
  if (Buffer.byteLength(path, 'utf8') > MAX_REPO_PATH_BYTES) {
    throw new InvalidPathError(path, `must be at most ${MAX_REPO_PATH_BYTES} bytes long`);
  }
  for (const segment of path.split('/')) {
    if (segment === '') {
      throw new InvalidPathError(path, 'must not contain empty segments');
    }
    if (Buffer.byteLength(segment, 'utf8') > MAX_PATH_SEGMENT_BYTES) {
      throw new InvalidPathError(path, `must not have segments longer than ${MAX_PATH_SEGMENT_BYTES} bytes`);
    }
    if (segment.toLowerCase() === '.git') {
      throw new InvalidPathError(path, 'must not contain a ".git" segment');
    }
    if (segment.split('\\').some((part) => part === '.' || part === '..')) {
      throw new InvalidPathError(path, 'must not contain "." or ".." segments');
    }
  }
  return path;
}

/** A folder path as clients send it for deletions (`"sub/"` or `"sub"`), without its trailing slashes. */
export function validateFolderPath(path: unknown): string {
  if (typeof path === 'string' && path.length > 1 && path.endsWith('/')) {
    return validateRepoPath(path.replace(/\/+$/, ''));
  }
  return validateRepoPath(path);
}

/** `a/b/c` → `['a', 'a/b']`: the folders above a path, outermost first. */
export function parentFolders(path: string): string[] {
  const folders: string[] = [];
  for (let slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
    folders.push(path.slice(0, slash));
  }
  return folders;
}

/** True when `path` is `folder` itself or lies inside it. */
export function isInFolder(path: string, folder: string): boolean {
  return path === folder || path.startsWith(`${folder}/`);
}
