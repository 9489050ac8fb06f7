import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { GitRepoStore } from 'src/git/git-repo-store';
import { GitRepository } from 'src/git/git-repository';
import { RepoService } from 'src/repo/repo.service';
import { RepoType } from 'src/repo/repo-types';
import { apiToken, bearer, newAccount, ACCOUNT_TEST_ENV, TestAccount } from 'test/utils/accounts';
import { TestHub } from 'test/utils/test-hub';

export { ACCOUNT_TEST_ENV, bearer };

export interface Writer {
  account: TestAccount;
  /** An `hf_` token with the write role. */
  token: string;
}

export async function newWriter(hub: TestHub, username: string): Promise<Writer> {
  const account = await newAccount(hub, username);
  return { account, token: await apiToken(hub, account, 'write') };
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

/** The bare repository behind `namespace/name`, opened the way the hub opens it. */
export async function openGit(hub: TestHub, repoId: string, type: RepoType = 'model'): Promise<GitRepository> {
  const [namespace, name] = repoId.split('/');
  const repo = await hub.app.get(RepoService).findRepo(type, namespace, name);
  return hub.app.get(GitRepoStore).open(repo.storageId);
}

/** `git <args>` in the bare repository, as text. */
export function gitIn(git: GitRepository, args: string[]): string {
  return execFileSync('git', [`--git-dir=${git.gitDir}`, ...args], { encoding: 'utf8' });
}

export function revParse(git: GitRepository, revision: string): string {
  return gitIn(git, ['rev-parse', revision]).trim();
}

/** A file of a revision, or null if it does not exist. */
export function showFile(git: GitRepository, revision: string, path: string): Buffer | null {
  try {
    return execFileSync('git', [`--git-dir=${git.gitDir}`, 'show', `${revision}:${path}`], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return null;
  }
}

/** Every file path of a revision, sorted. */
export function listFiles(git: GitRepository, revision: string): string[] {
  return gitIn(git, ['ls-tree', '-r', '--name-only', '-z', revision])
    .split('\0')
    .filter((path) => path !== '')
    .sort();
}

export function sha256Hex(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
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
  const object = { oid: sha256Hex(content), size: content.length };
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

/** `git check-attr filter` as of a revision (through a throwaway index: git 2.39 has no `--source`). */
export function lfsFilterOf(git: GitRepository, revision: string, paths: string[]): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'kh-attr-'));
  try {
    const env = { ...process.env, GIT_INDEX_FILE: join(dir, 'index') };
    execFileSync('git', [`--git-dir=${git.gitDir}`, 'read-tree', revision], { env });
    const output = execFileSync(
      'git',
      [`--git-dir=${git.gitDir}`, 'check-attr', '--cached', '-z', 'filter', '--', ...paths],
      {
        env,
        encoding: 'utf8',
      },
    );
    const fields = output.split('\0');
    const result: Record<string, string> = {};
    for (let index = 0; index + 2 < fields.length; index += 3) {
      result[fields[index]] = fields[index + 2];
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
