import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import {
  commitLines,
  createRepo,
  fileLine,
  header,
  lfsFileLine,
  newWriter,
  openGit,
  revParse,
  uploadLfsObject,
  Writer,
} from 'test/e2e/commit-helpers';
import { GitClient, urlWithCredentials } from 'test/e2e/git-client-helpers';
import { ACCOUNT_TEST_ENV, apiToken, bearer, PASSWORD } from 'test/utils/accounts';
import { createTestHub, TestHub } from 'test/utils/test-hub';

function lfsPointer(content: Buffer, oid: string): string {
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${content.length}\n`;
}

function basic(username: string, secret: string): string {
  return `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}`;
}

/** supertest parses unknown content types as nothing; git's answers are binary pkt-lines. */
function binary(response: request.Response, callback: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
}

function pkt(text: string): string {
  return `${(Buffer.byteLength(text) + 4).toString(16).padStart(4, '0')}${text}`;
}

const FETCH_LIMIT = 64 * 1024;

/** A protocol v2 `ls-refs` request, as git sends it to list the branches. */
const LS_REFS_V2 = `${pkt('command=ls-refs\n')}${pkt('agent=git/2.39.5\n')}0001${pkt('peel\n')}${pkt('symrefs\n')}${pkt('ref-prefix refs/heads/\n')}0000`;

/**
 * Clone and fetch with the real git and git-lfs clients: protocols v0 and v2, shallow clones,
 * every URL form, LFS smudging and `git lfs pull`, authentication with credential helpers, and
 * the errors git shows.
 */
describe('git clone and fetch over HTTP', () => {
  let hub: TestHub;
  let alice: Writer;
  let bobToken: string;
  let client: GitClient;
  const weights = randomBytes(300 * 1024);
  let weightsOid: string;
  let apiHead: string;

  beforeAll(async () => {
    hub = await createTestHub({
      env: { ...ACCOUNT_TEST_ENV, KOHAKU_HUB_GIT_MAX_FETCH_REQUEST_BYTES: String(FETCH_LIMIT) },
    });
    alice = await newWriter(hub, 'alice');
    bobToken = (await newWriter(hub, 'bob')).token;
    await createRepo(hub, alice.token, 'alice/model');
    await createRepo(hub, alice.token, 'alice/data', { type: 'dataset' });
    await createRepo(hub, alice.token, 'alice/app', { type: 'space' });
    await createRepo(hub, alice.token, 'alice/secret', { isPrivate: true });
    weightsOid = (await uploadLfsObject(hub, alice.token, 'alice/model', weights)).oid;
    await commitLines(hub, alice.token, 'alice/model', [
      header('Add weights'),
      lfsFileLine('weights.bin', { oid: weightsOid, size: weights.length }),
    ]).expect(200);
    const second = await commitLines(hub, alice.token, 'alice/model', [
      header('Add readme'),
      fileLine('README.md', '# model\n'),
      fileLine('src/a.txt', 'a\n'),
    ]).expect(200);
    apiHead = second.body.commitOid as string;
    for (const [repo, type] of [
      ['alice/data', 'dataset'],
      ['alice/app', 'space'],
      ['alice/secret', 'model'],
    ] as const) {
      await commitLines(hub, alice.token, repo, [header('Add file'), fileLine('file.txt', repo)], {
        type,
      }).expect(200);
    }
    client = await GitClient.create();
  });

  afterAll(async () => {
    client?.cleanup();
    await hub?.close();
  });

  async function headOf(dir: string): Promise<string> {
    return (await client.git(['rev-parse', 'HEAD'], { cwd: client.path(dir) })).trim();
  }

  it('should clone with protocol v2 and v0, with and without .git, at the commit the API made, LFS files smudged', async () => {
    const url = urlWithCredentials(hub.url, '/alice/model', alice.token);
    await client.git(['-c', 'protocol.version=2', 'clone', url, 'v2']);
    await client.git(['-c', 'protocol.version=0', 'clone', `${url}.git`, 'v0']);

    for (const dir of ['v2', 'v0']) {
      expect(await headOf(dir)).toBe(apiHead);
      expect(readFileSync(client.path(dir, 'README.md'), 'utf8')).toBe('# model\n');
      expect(readFileSync(client.path(dir, 'weights.bin'))).toEqual(weights);
      expect((await client.git(['branch', '--show-current'], { cwd: client.path(dir) })).trim()).toBe('main');
    }
    expect(revParse(await openGit(hub, 'alice/model'), 'main')).toBe(apiHead);
  });

  it('should clone with GIT_LFS_SKIP_SMUDGE and then fetch the LFS content with git lfs pull', async () => {
    const url = urlWithCredentials(hub.url, '/alice/model', alice.token);
    await client.git(['clone', url, 'skip'], { env: { GIT_LFS_SKIP_SMUDGE: '1' } });
    expect(readFileSync(client.path('skip', 'weights.bin'), 'utf8')).toBe(lfsPointer(weights, weightsOid));

    await client.git(['lfs', 'pull'], { cwd: client.path('skip') });

    expect(readFileSync(client.path('skip', 'weights.bin'))).toEqual(weights);
  });

  it('should make shallow clones with --depth 1 (v0 and v2) that can be deepened', async () => {
    const url = urlWithCredentials(hub.url, '/alice/model', alice.token);
    for (const version of ['0', '2']) {
      const dir = `shallow-v${version}`;
      await client.git(['-c', `protocol.version=${version}`, 'clone', '--depth', '1', url, dir]);
      expect((await client.git(['rev-list', '--count', 'HEAD'], { cwd: client.path(dir) })).trim()).toBe('1');
      expect(existsSync(client.path(dir, '.git', 'shallow'))).toBe(true);
      expect(await headOf(dir)).toBe(apiHead);

      await client.git(['-c', `protocol.version=${version}`, 'fetch', '--unshallow'], { cwd: client.path(dir) });
      expect((await client.git(['rev-list', '--count', 'HEAD'], { cwd: client.path(dir) })).trim()).toBe('3');
    }
  });

  it('should make a partial clone (--filter=blob:none) that fetches blobs on checkout', async () => {
    const url = urlWithCredentials(hub.url, '/alice/model', alice.token);
    await client.git(['clone', '--filter=blob:none', '--no-checkout', url, 'partial']);
    const cwd = client.path('partial');
    const missing = await client.git(['rev-list', '--objects', '--missing=print', 'HEAD'], { cwd });
    expect(missing).toMatch(/^\?[0-9a-f]{40}$/m);

    await client.git(['checkout', '-q', 'main'], { cwd });

    expect(readFileSync(client.path('partial', 'README.md'), 'utf8')).toBe('# model\n');
    expect(readFileSync(client.path('partial', 'weights.bin'))).toEqual(weights);
  });

  it('should clone datasets and spaces under their prefix', async () => {
    for (const [path, dir] of [
      ['/datasets/alice/data', 'data'],
      ['/datasets/alice/data.git', 'data-git'],
      ['/spaces/alice/app', 'app'],
      ['/spaces/alice/app.git', 'app-git'],
    ]) {
      await client.git(['clone', urlWithCredentials(hub.url, path, alice.token), dir]);
      expect(readFileSync(client.path(dir, 'file.txt'), 'utf8')).toBe(
        path.includes('data') ? 'alice/data' : 'alice/app',
      );
    }
    const data = await openGit(hub, 'alice/data', 'dataset');
    expect(await headOf('data')).toBe(revParse(data, 'main'));
  });

  it('should fetch with git pull exactly the commit a later API commit made (one history)', async () => {
    const url = urlWithCredentials(hub.url, '/alice/model', alice.token);
    await client.git(['clone', url, 'pull']);
    const commit = await commitLines(hub, alice.token, 'alice/model', [
      header('Update readme'),
      fileLine('README.md', '# model v2\n'),
    ]).expect(200);

    await client.git(['pull', '--ff-only'], { cwd: client.path('pull') });

    expect(await headOf('pull')).toBe(commit.body.commitOid);
    expect(readFileSync(client.path('pull', 'README.md'), 'utf8')).toBe('# model v2\n');
    apiHead = commit.body.commitOid as string;
  });

  it('should serve the ref advertisement, v2 capabilities and HEAD with the smart-HTTP headers', async () => {
    const v0 = await request(hub.url)
      .get('/alice/model/info/refs?service=git-upload-pack')
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(v0.headers['content-type']).toBe('application/x-git-upload-pack-advertisement');
    expect(v0.headers['cache-control']).toMatch(/no-cache/);
    const v0Body = Buffer.from(v0.body as Buffer).toString('latin1');
    expect(v0Body.startsWith('001e# service=git-upload-pack\n0000')).toBe(true);
    expect(v0Body).toContain(`${apiHead} HEAD\0`);
    expect(v0Body).toContain('symref=HEAD:refs/heads/main');
    expect(v0Body).toContain('shallow');

    const v2 = await request(hub.url)
      .get('/alice/model.git/info/refs?service=git-upload-pack')
      .set('Git-Protocol', 'version=2')
      .buffer(true)
      .parse(binary)
      .expect(200);
    const v2Body = Buffer.from(v2.body as Buffer).toString('latin1');
    expect(v2Body.startsWith('000eversion 2\n')).toBe(true);
    expect(v2Body).toContain('fetch=shallow');

    const head = await request(hub.url).get('/alice/model.git/HEAD').expect(200);
    expect(head.text).toBe('ref: refs/heads/main\n');
    expect(head.headers['cache-control']).toMatch(/no-cache/);
  });

  it('should answer protocol v2 commands sent plain or gzip-compressed, and refuse malformed requests', async () => {
    for (const compressed of [false, true]) {
      const response = await request(hub.url)
        .post('/alice/model/git-upload-pack')
        .set('Content-Type', 'application/x-git-upload-pack-request')
        .set('Git-Protocol', 'version=2')
        .set(compressed ? { 'Content-Encoding': 'gzip' } : {})
        .send(compressed ? gzipSync(LS_REFS_V2) : Buffer.from(LS_REFS_V2))
        .buffer(true)
        .parse(binary)
        .expect(200);
      expect(response.headers['content-type']).toBe('application/x-git-upload-pack-result');
      expect(Buffer.from(response.body as Buffer).toString('latin1')).toContain(`${apiHead} refs/heads/main`);
    }

    const garbage = await request(hub.url)
      .post('/alice/model/git-upload-pack')
      .set('Content-Type', 'application/x-git-upload-pack-request')
      .send('this is not a pkt-line stream')
      .expect(400);
    expect(garbage.headers['x-error-code']).toBe('BadRequest');
    expect(garbage.headers['content-type']).toMatch(/^text\/plain/);

    const badGzip = await request(hub.url)
      .post('/alice/model/git-upload-pack')
      .set('Content-Type', 'application/x-git-upload-pack-request')
      .set('Content-Encoding', 'gzip')
      .send('not gzip at all')
      .expect(400);
    expect(badGzip.text).toMatch(/gzip/);

    const brotli = await request(hub.url)
      .post('/alice/model/git-upload-pack')
      .set('Content-Type', 'application/x-git-upload-pack-request')
      .set('Content-Encoding', 'br')
      .send('x')
      .expect(415);
    expect(brotli.headers['x-error-code']).toBe('UnsupportedMediaType');
  });

  it('should refuse a fetch request over KOHAKU_HUB_GIT_MAX_FETCH_REQUEST_BYTES with a 413', async () => {
    const haves = Array.from({ length: 2000 }, () => pkt(`have ${randomBytes(20).toString('hex')}\n`)).join('');
    const response = await request(hub.url)
      .post('/alice/model/git-upload-pack')
      .set('Content-Type', 'application/x-git-upload-pack-request')
      .set('Content-Encoding', 'gzip')
      .send(gzipSync(`${pkt(`want ${apiHead} side-band-64k\n`)}0000${haves}${pkt('done\n')}`))
      .expect(413);
    expect(response.headers['x-error-code']).toBe('PayloadTooLarge');
    expect(response.text).toMatch(/A fetch request may be at most 65536 bytes/);
  });

  it('should refuse the dumb protocol and unknown services', async () => {
    const dumb = await request(hub.url).get('/alice/model/info/refs').expect(403);
    expect(dumb.text).toMatch(/smart HTTP/);
    await request(hub.url).get('/alice/model/info/refs?service=git-upload-archive').expect(403);
  });

  it('should ask anonymous callers for credentials on private and missing repositories alike', async () => {
    for (const path of [
      '/alice/secret.git/info/refs',
      '/alice/missing.git/info/refs',
      '/datasets/alice/secret/info/refs',
    ]) {
      const response = await request(hub.url).get(`${path}?service=git-upload-pack`).expect(401);
      expect(response.headers['www-authenticate']).toBe('Basic realm="Kohaku Hub"');
      expect(response.headers['x-error-code']).toBe('RepoNotFound');
    }
    const clone = await client.tryGit(['clone', `${hub.url}/alice/secret`, 'no-credentials']);
    expect(clone.exitCode).not.toBe(0);
    expect(clone.stderr).toMatch(/could not read Username|Authentication failed/);
  });

  it('should clone a private repository with the credentials a credential helper gives after the 401', async () => {
    const helped = await GitClient.create('helped');
    try {
      helped.useCredentials('alice', alice.token);

      await helped.git(['clone', `${hub.url}/alice/secret.git`, 'secret']);

      expect(readFileSync(helped.path('secret', 'file.txt'), 'utf8')).toBe('alice/secret');
      expect(readFileSync(helped.credentialLog, 'utf8').trim().split('\n').length).toBeGreaterThanOrEqual(1);
    } finally {
      helped.cleanup();
    }
  });

  it('should take the account password as the Basic password, and refuse wrong credentials', async () => {
    await client.git(['clone', urlWithCredentials(hub.url, '/alice/secret', PASSWORD, 'alice'), 'by-password']);
    expect(readFileSync(client.path('by-password', 'file.txt'), 'utf8')).toBe('alice/secret');

    const wrong = await request(hub.url)
      .get('/alice/model/info/refs?service=git-upload-pack')
      .set('Authorization', basic('alice', 'hf_wrong_token_00000000000000000000'))
      .expect(401);
    expect(wrong.headers['www-authenticate']).toBe('Basic realm="Kohaku Hub"');
  });

  it('should show a private repository as missing to signed-in users who may not read it', async () => {
    const response = await request(hub.url)
      .get('/alice/secret/info/refs?service=git-upload-pack')
      .set(bearer(bobToken))
      .expect(404);
    expect(response.headers['x-error-code']).toBe('RepoNotFound');
    const missing = await request(hub.url)
      .get('/alice/nothing-here/info/refs?service=git-upload-pack')
      .set('Authorization', basic('bob', bobToken))
      .expect(404);
    expect(missing.text).toBe(response.text.replace('alice/secret', 'alice/nothing-here'));

    const clone = await client.tryGit(['clone', urlWithCredentials(hub.url, '/alice/secret', bobToken), 'bob-secret']);
    expect(clone.exitCode).not.toBe(0);
    expect(clone.stderr).toMatch(/repository '.*' not found/);
  });

  it('should let read-only tokens fetch but not push', async () => {
    const readToken = await apiToken(hub, alice.account, 'read');
    await client.git(['clone', urlWithCredentials(hub.url, '/alice/secret', readToken), 'read-only']);
    const advertisement = await request(hub.url)
      .get('/alice/secret/info/refs?service=git-receive-pack')
      .set('Authorization', basic('alice', readToken))
      .expect(403);
    expect(advertisement.text).toMatch(/read-only/);
  });

  it('should follow a renamed repository from its old clone URL', async () => {
    await createRepo(hub, alice.token, 'alice/old-name');
    await commitLines(hub, alice.token, 'alice/old-name', [header('x'), fileLine('x.txt', 'x')]).expect(200);
    await request(hub.url)
      .post('/api/repos/move')
      .set(bearer(alice.token))
      .send({ fromRepo: 'alice/old-name', toRepo: 'alice/new-name', type: 'model' })
      .expect(200);

    for (const suffix of ['', '.git']) {
      const redirect = await request(hub.url)
        .get(`/alice/old-name${suffix}/info/refs?service=git-upload-pack`)
        .set(bearer(alice.token))
        .expect(307);
      expect(redirect.headers.location).toBe(`/alice/new-name${suffix}/info/refs?service=git-upload-pack`);
    }
    await client.git(['clone', urlWithCredentials(hub.url, '/alice/old-name', alice.token), 'moved']);
    expect(readFileSync(client.path('moved', 'x.txt'), 'utf8')).toBe('x');
  });
});
