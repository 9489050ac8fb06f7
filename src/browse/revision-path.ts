import { GitRepository, isRefNameShaped } from 'src/git/git-repository';

export interface RevisionAndPath {
  revision: string;
  /** `''` for the root. */
  path: string;
}

/** `refs/pr/<N>` and `refs/convert/<name>`: the raw revisions the Hub itself recognises by shape. */
const SPECIAL_REF = /^refs\/(?:pr\/\d+|convert\/[^/]+)$/;

/**
 * The `*wildcard` of a route (`/tree/<revision>/<path>`) as decoded segments: trailing empty
 * segments (a trailing slash) dropped.
 */
export function routeSegments(value: string | string[] | undefined): string[] {
  const segments = value === undefined ? [] : Array.isArray(value) ? [...value] : value.split('/');
  while (segments.length > 0 && segments[segments.length - 1] === '') {
    segments.pop();
  }
  return segments;
}

/**
 * Splits `/tree/<revision>/<path>` (hf-protocol §1.2). The Python client percent-encodes the
 * revision, so a first segment that holds a `/` is the whole revision. The JS client sends it raw,
 * so `feat/x/dir/file` is ambiguous: the longest branch or tag that the leading segments name wins,
 * then the `refs/pr/N` and `refs/convert/x` shapes, and otherwise the first segment alone.
 */
export async function splitRevisionAndPath(git: GitRepository, segments: readonly string[]): Promise<RevisionAndPath> {
  const [first = '', ...rest] = segments;
  if (first.includes('/') || rest.length === 0) {
    return { revision: first, path: rest.join('/') };
  }
  const refNames = await refNamesUnder(git, first);
  for (let length = segments.length; length >= 2; length--) {
    const candidate = segments.slice(0, length).join('/');
    if (refNames.has(candidate) || refNames.has(`refs/heads/${candidate}`) || refNames.has(`refs/tags/${candidate}`)) {
      return { revision: candidate, path: segments.slice(length).join('/') };
    }
  }
  if (segments.length >= 3 && SPECIAL_REF.test(segments.slice(0, 3).join('/'))) {
    return { revision: segments.slice(0, 3).join('/'), path: segments.slice(3).join('/') };
  }
  return { revision: first, path: rest.join('/') };
}

/** Names of the refs a raw revision starting with `first` could name, from one `for-each-ref`. */
async function refNamesUnder(git: GitRepository, first: string): Promise<Set<string>> {
  const prefixes = first === 'refs' ? ['refs'] : [`refs/heads/${first}`, `refs/tags/${first}`];
  if (!prefixes.every((prefix) => isRefNameShaped(prefix))) {
    return new Set();
  }
  const refs = await git.listRefs(prefixes);
  return new Set(refs.map((ref) => ref.name));
}
