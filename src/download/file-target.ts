import { RepoNotFoundError } from 'src/common/errors/hub-error';

/** Revisions that contain `/` and may arrive unencoded (hf-protocol §1.2): `refs/pr/<N>`, `refs/convert/<x>`. */
const RAW_REVISION = /^refs\/(?:pr\/\d+|convert\/[^/]+)$/;
/** The characters a namespace or repository name can hold; anything else (an encoded `/`) names nothing. */
const REPO_ID_SEGMENT = /^[A-Za-z0-9._-]{1,96}$/;

export interface FileTarget {
  revision: string;
  /** `''` when the URL names no file. */
  path: string;
}

/**
 * Refuses a repository id that cannot exist before anything is looked up: the id is two raw path
 * segments, so a decoded `/` or any other foreign character means the URL was crafted.
 */
export function assertRepoIdSegments(namespace: string, name: string): void {
  if (!REPO_ID_SEGMENT.test(namespace) || !REPO_ID_SEGMENT.test(name)) {
    throw new RepoNotFoundError(`${namespace}/${name}`);
  }
}

/**
 * The revision and file path of `/resolve/<rev>/<path>`, from the URL segments after `resolve/`
 * as Express hands them over (each one percent-decoded). The revision is the first segment, so an
 * encoded `refs%2Fpr%2F1` or `feat%2Fx` stays whole; a raw `refs/pr/1` or `refs/convert/parquet`
 * spans three segments and is recognised by its shape. Nothing is validated here.
 */
export function splitRevisionAndPath(segments: readonly string[]): FileTarget {
  if (segments.length >= 3 && RAW_REVISION.test(segments.slice(0, 3).join('/'))) {
    return { revision: segments.slice(0, 3).join('/'), path: segments.slice(3).join('/') };
  }
  return { revision: segments[0] ?? '', path: segments.slice(1).join('/') };
}
