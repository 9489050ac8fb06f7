import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { RepoType } from 'src/repo/repo-types';
import { TestHub } from 'test/utils/test-hub';
import {
  createRepo,
  fileLine,
  gitIn,
  header,
  lfsFileLine,
  ndjson,
  openGit,
  postCommit,
  uploadLfsObject,
} from 'test/e2e/commit-helpers';

/** The files every download test repository holds, with their exact bytes. */
export interface DownloadFixture {
  repoId: string;
  type: RepoType;
  /** The head of `main` after the seeding commit. */
  commitSha: string;
  small: Buffer;
  /** Several cat-file chunks (64 KiB), read through the pooled cat-file processes. */
  medium: Buffer;
  /** Above the pooled-read limit (256 KiB): streamed by a git process of its own. */
  large: Buffer;
  unicode: Buffer;
  lfs: Buffer;
  lfsOid: string;
  /** git blob ids by path. */
  blobIds: Record<string, string>;
}

export const UNICODE_PATH = 'dir a/é #1.txt';
/** Without "#", which `fetch` (so the JS client) reads as the start of a fragment. */
export const SPACED_PATH = 'dir a/résumé.txt';

/** `/{prefix}{ns}/{name}`: the web path of a repository. */
export function webPath(repoId: string, type: RepoType = 'model'): string {
  return type === 'model' ? `/${repoId}` : `/${type}s/${repoId}`;
}

/** The resolve URL path of a file, encoded the way the Python client encodes it. */
export function resolvePath(repoId: string, revision: string, path: string, type: RepoType = 'model'): string {
  const encodedPath = path.split('/').map(encodeURIComponent).join('/');
  return `${webPath(repoId, type)}/resolve/${encodeURIComponent(revision)}/${encodedPath}`;
}

/**
 * Creates `repoId` and commits one of each kind of file: small and large regular files, an empty
 * one, paths with a space and non-ASCII letters (one also with `#`), and an LFS file uploaded
 * through the batch API.
 */
export async function seedDownloadRepo(
  hub: TestHub,
  token: string,
  repoId: string,
  options: { type?: RepoType; isPrivate?: boolean; lfsBytes?: number } = {},
): Promise<DownloadFixture> {
  const type = options.type ?? 'model';
  await createRepo(hub, token, repoId.split('/')[1], { type, isPrivate: options.isPrivate });
  const small = Buffer.from('{"hidden_size": 8}\n');
  const medium = randomBytes(200 * 1024);
  const large = Buffer.from(randomBytes(150 * 1024).toString('hex'));
  const unicode = Buffer.from('unicode file\n');
  const lfs = randomBytes(options.lfsBytes ?? 300 * 1024);
  const object = await uploadLfsObject(hub, token, webPath(repoId, type).slice(1), lfs);
  const body = ndjson([
    header('seed files'),
    fileLine('config.json', small),
    fileLine('medium.bin', medium),
    fileLine('large.txt', large),
    fileLine('empty.txt', Buffer.alloc(0)),
    fileLine(UNICODE_PATH, unicode),
    fileLine(SPACED_PATH, unicode),
    lfsFileLine('model.safetensors', object),
  ]);
  const committed = await postCommit(hub, token, repoId, 'main', body, { type });
  if (committed.status !== 200) {
    throw new Error(`seed commit failed: ${committed.status} ${committed.text}`);
  }
  const git = await openGit(hub, repoId, type);
  const blobIds: Record<string, string> = {};
  for (const path of [
    'config.json',
    'medium.bin',
    'large.txt',
    'empty.txt',
    UNICODE_PATH,
    SPACED_PATH,
    'model.safetensors',
  ]) {
    blobIds[path] = gitIn(git, ['rev-parse', `main:${path}`]).trim();
  }
  return {
    repoId,
    type,
    commitSha: committed.body.commitOid as string,
    small,
    medium,
    large,
    unicode,
    lfs,
    lfsOid: object.oid,
    blobIds,
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * A request with the path sent byte for byte: `fetch` and supertest normalise `..` segments away,
 * which would hide exactly what traversal tests need to send.
 */
export function rawRequest(
  baseUrl: string,
  method: 'GET' | 'HEAD',
  path: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: url.hostname, port: url.port, method, path, headers }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () =>
        resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks) }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}
