import request from 'supertest';
import { GitRepoStore } from 'src/git/git-repo-store';
import { GitRepository } from 'src/git/git-repository';
import { RepoService } from 'src/repo/repo.service';
import { RepoType } from 'src/repo/repo-types';
import { apiToken, bearer, newAccount, ACCOUNT_TEST_ENV, TestAccount } from 'test/utils/accounts';
import { lfsObjectOf } from 'test/utils/lfs';
import { createTestHub, TestHub, TestHubOptions } from 'test/utils/test-hub';

export { ACCOUNT_TEST_ENV, bearer };
export { gitIn, lfsFilterOf, listFiles, revParse, showFile } from 'test/utils/git';
export { sha256Hex } from 'test/utils/lfs';

export interface Writer {
  account: TestAccount;
  /** An `hf_` token with the write role. */
  token: string;
}

export async function newWriter(hub: TestHub, username: string): Promise<Writer> {
  const account = await newAccount(hub, username);
  return { account, token: await apiToken(hub, account, 'write') };
}

/**
 * A test hub with the account test settings (merged under `options.env`), then one writer per
 * username signed up in that order: `[hub, alice, bob] = await createWriterHub(['alice', 'bob'])`.
 */
export async function createWriterHub(
  usernames: string[],
  options: TestHubOptions = {},
): Promise<[TestHub, ...Writer[]]> {
  const hub = await createTestHub({ ...options, env: { ...ACCOUNT_TEST_ENV, ...options.env } });
  const writers: Writer[] = [];
  for (const username of usernames) {
    writers.push(await newWriter(hub, username));
  }
  return [hub, ...writers];
}

export async function createRepo(
  hub: TestHub,
  token: string,
  name: string,
  options: { type?: RepoType; isPrivate?: boolean } = {},
): Promise<void> {
  await request(hub.url)
    .post('/api/repos/create')
    .set(bearer(token))
    .send({ name, type: options.type ?? 'model', private: options.isPrivate ?? false, sdk: 'static' })
    .expect(200);
}

/** Creates `name` in the owner's namespace and opens its bare repository. */
export async function newRepo(
  hub: TestHub,
  owner: Writer,
  name: string,
  options: { type?: RepoType; isPrivate?: boolean } = {},
): Promise<{ id: string; git: GitRepository }> {
  await createRepo(hub, owner.token, name, options);
  const id = `${owner.account.username}/${name}`;
  return { id, git: await openGit(hub, id, options.type) };
}

export type PayloadLine = { key: string; value: Record<string, unknown> };

export function header(summary = 'test commit', extra: Record<string, unknown> = {}): PayloadLine {
  return { key: 'header', value: { summary, description: '', ...extra } };
}

export function fileLine(path: string, content: string | Buffer): PayloadLine {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
  return { key: 'file', value: { path, content: bytes.toString('base64'), encoding: 'base64' } };
}

/** Python ends every line with "\n"; JS joins lines with "\n" and sends no final newline. */
export function ndjson(lines: PayloadLine[], style: 'python' | 'js' = 'python'): string {
  const joined = lines.map((line) => JSON.stringify(line)).join('\n');
  return style === 'python' ? `${joined}\n` : joined;
}

export function postCommit(
  hub: TestHub,
  token: string,
  repoId: string,
  revision: string,
  body: string | Buffer,
  options: { type?: RepoType; query?: string } = {},
): request.Test {
  const prefix = options.type === undefined || options.type === 'model' ? 'models' : `${options.type}s`;
  const query = options.query === undefined ? '' : `?${options.query}`;
  return request(hub.url)
    .post(`/api/${prefix}/${repoId}/commit/${encodeURIComponent(revision)}${query}`)
    .set(bearer(token))
    .set('Content-Type', 'application/x-ndjson')
    .send(body);
}

/** `postCommit` of `lines` in the Python line style, to `main` unless `options.revision` names another revision. */
export function commitLines(
  hub: TestHub,
  token: string,
  repoId: string,
  lines: PayloadLine[],
  options: { revision?: string; type?: RepoType; query?: string } = {},
): request.Test {
  return postCommit(hub, token, repoId, options.revision ?? 'main', ndjson(lines), options);
}

/** `commitLines`, checked to succeed: the new commit's id. */
export async function committedOid(
  hub: TestHub,
  token: string,
  repoId: string,
  lines: PayloadLine[],
  options: { revision?: string; type?: RepoType; query?: string } = {},
): Promise<string> {
  const response = await commitLines(hub, token, repoId, lines, options);
  if (response.status !== 200) {
    throw new Error(`commit failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return (response.body as { commitOid: string }).commitOid;
}

/** The bare repository behind `namespace/name`, opened the way the hub opens it. */
export async function openGit(hub: TestHub, repoId: string, type: RepoType = 'model'): Promise<GitRepository> {
  const [namespace, name] = repoId.split('/');
  const repo = await hub.app.get(RepoService).findRepo(type, namespace, name);
  return hub.app.get(GitRepoStore).open(repo.storageId);
}

/**
 * Uploads one object through the LFS batch API the way the clients do (batch, then a bare PUT to
 * the signed href, then verify when offered) and returns its oid and size.
 */
export async function uploadLfsObject(
  hub: TestHub,
  token: string,
  repoId: string,
  content: Buffer,
): Promise<{ oid: string; size: number }> {
  const object = lfsObjectOf(content);
  const batch = await request(hub.url)
    .post(`/${repoId}.git/info/lfs/objects/batch`)
    .set(bearer(token))
    .set('Accept', 'application/vnd.git-lfs+json')
    .set('Content-Type', 'application/vnd.git-lfs+json')
    .send(JSON.stringify({ operation: 'upload', transfers: ['basic'], hash_algo: 'sha256', objects: [object] }))
    .expect(200);
  const actions = (batch.body as { objects: { actions?: Record<string, { href: string }> }[] }).objects[0].actions;
  if (actions?.upload) {
    const href = new URL(actions.upload.href);
    await request(href.origin)
      .put(`${href.pathname}${href.search}`)
      .set('Content-Type', 'application/octet-stream')
      .send(content)
      .expect((response) => {
        if (response.status >= 300) {
          throw new Error(`LFS PUT failed: ${response.status} ${response.text}`);
        }
      });
  }
  if (actions?.verify) {
    const href = new URL(actions.verify.href);
    await request(href.origin)
      .post(`${href.pathname}${href.search}`)
      .set(bearer(token))
      .set('Content-Type', 'application/vnd.git-lfs+json')
      .send(JSON.stringify(object))
      .expect(200);
  }
  return object;
}

export function lfsFileLine(path: string, object: { oid: string; size?: number }): PayloadLine {
  return {
    key: 'lfsFile',
    value: { path, algo: 'sha256', oid: object.oid, ...(object.size === undefined ? {} : { size: object.size }) },
  };
}
