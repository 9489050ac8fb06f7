import { createHash } from 'node:crypto';
import request from 'supertest';
import { DownloadEvents, RepoDownloadedEvent } from 'src/download/download-events';
import { ACCOUNT_TEST_ENV, apiToken, bearer, newAccount } from 'test/utils/accounts';
import { createTestHub, TestHub } from 'test/utils/test-hub';
import {
  commitLines,
  fileLine,
  gitIn,
  header,
  ndjson,
  newWriter,
  openGit,
  postCommit,
  Writer,
} from 'test/e2e/commit-helpers';
import {
  DownloadFixture,
  rawRequest,
  resolvePath,
  seedDownloadRepo,
  UNICODE_PATH,
  webPath,
} from 'test/e2e/download-fixtures';

function gitBlobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** Plain HTTP against resolve and raw: every header, ranges, errors, revisions, moved repositories. */
describe('resolve and raw downloads over plain HTTP', () => {
  let hub: TestHub;
  let alice: Writer;
  let fixture: DownloadFixture;
  const events: RepoDownloadedEvent[] = [];

  beforeAll(async () => {
    hub = await createTestHub({ env: ACCOUNT_TEST_ENV });
    alice = await newWriter(hub, 'alice');
    fixture = await seedDownloadRepo(hub, alice.token, 'alice/files');
    hub.app.get(DownloadEvents).subscribe((event) => {
      events.push(event);
    });
  });

  afterAll(async () => {
    await hub.close();
  });

  function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${hub.url}${path}`, { headers, redirect: 'manual' });
  }

  function head(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${hub.url}${path}`, { method: 'HEAD', headers, redirect: 'manual' });
  }

  async function bytesOf(response: Response): Promise<Buffer> {
    return Buffer.from(await response.arrayBuffer());
  }

  /** Large buffers compare by digest: jest's element-wise equality is slow enough for sockets to time out. */
  function digest(bytes: Buffer): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  describe('headers', () => {
    it('should answer HEAD on a regular file with the commit, the blob id as strong ETag and the real length', async () => {
      const response = await head(resolvePath('alice/files', 'main', 'large.txt'), { 'Accept-Encoding': 'identity' });
      expect(response.status).toBe(200);
      expect(Object.fromEntries(response.headers)).toMatchObject({
        'x-repo-commit': fixture.commitSha,
        etag: `"${gitBlobId(fixture.large)}"`,
        'content-length': String(fixture.large.length),
        'accept-ranges': 'bytes',
        'content-type': 'text/plain; charset=utf-8',
        'content-disposition': `inline; filename="large.txt"; filename*=UTF-8''large.txt`,
        'x-content-type-options': 'nosniff',
      });
      expect(response.headers.get('etag')).toBe(`"${fixture.blobIds['large.txt']}"`);
      expect(response.headers.get('x-linked-etag')).toBeNull();
      expect(response.headers.get('x-linked-size')).toBeNull();
      const commitDate = gitIn(await openGit(hub, 'alice/files'), ['log', '-1', '--format=%ct', 'main']).trim();
      expect(response.headers.get('last-modified')).toBe(new Date(Number(commitDate) * 1000).toUTCString());
    });

    it('should stream regular files out of git with the same headers, uncompressed even when gzip is accepted', async () => {
      for (const [path, content] of [
        ['large.txt', fixture.large],
        ['config.json', fixture.small],
      ] as const) {
        const response = await get(resolvePath('alice/files', 'main', path), {
          'Accept-Encoding': 'gzip, deflate, br',
        });
        expect(response.status).toBe(200);
        expect(response.headers.get('content-encoding')).toBeNull();
        expect(response.headers.get('content-length')).toBe(String(content.length));
        expect(response.headers.get('x-repo-commit')).toBe(fixture.commitSha);
        expect(digest(await bytesOf(response))).toBe(digest(content));
      }
      const json = await head(resolvePath('alice/files', 'main', 'config.json'));
      expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    });

    it('should describe LFS files by their object: sha256 ETag, X-Linked-Etag and X-Linked-Size, real length on HEAD', async () => {
      const response = await head(resolvePath('alice/files', 'main', 'model.safetensors'));
      expect(response.status).toBe(200);
      expect(Object.fromEntries(response.headers)).toMatchObject({
        'x-repo-commit': fixture.commitSha,
        etag: `"${fixture.lfsOid}"`,
        'x-linked-etag': `"${fixture.lfsOid}"`,
        'x-linked-size': String(fixture.lfs.length),
        'content-length': String(fixture.lfs.length),
        'content-type': 'application/octet-stream',
      });
    });

    it('should name files with non-ASCII characters, spaces and "#" in an RFC 5987 filename*', async () => {
      const response = await get(resolvePath('alice/files', 'main', UNICODE_PATH));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toBe(
        `inline; filename="_ #1.txt"; filename*=UTF-8''%C3%A9%20%231.txt`,
      );
      expect(digest(await bytesOf(response))).toBe(digest(fixture.unicode));
      const bare = await head(`${resolvePath('alice/files', 'main', UNICODE_PATH)}?noContentDisposition=1`);
      expect(bare.headers.get('content-disposition')).toBeNull();
    });

    it('should serve the same file under the raw JS path spelling (space escaped, "/" raw) and for HEAD of /raw/', async () => {
      const raw = await head(`/alice/files/raw/main/dir%20a/${encodeURIComponent('é #1.txt')}`);
      expect(raw.status).toBe(200);
      expect(raw.headers.get('etag')).toBe(`"${fixture.blobIds[UNICODE_PATH]}"`);
      expect(raw.headers.get('content-length')).toBe(String(fixture.unicode.length));
    });
  });

  describe('ranges', () => {
    const path = () => resolvePath('alice/files', 'main', 'large.txt');

    it('should answer one range with 206 and Content-Range, clamped to the file, and the tail with bytes=N-', async () => {
      const size = fixture.large.length;
      const cases: [string, number, number][] = [
        ['bytes=0-0', 0, 0],
        ['bytes=100-70000', 100, 70000],
        ['bytes=70000-', 70000, size - 1],
        ['bytes=-10', size - 10, size - 1],
        ['bytes=0-100000000', 0, size - 1],
      ];
      for (const [range, start, end] of cases) {
        const response = await get(path(), { Range: range });
        expect([range, response.status, response.headers.get('content-range')]).toEqual([
          range,
          206,
          `bytes ${start}-${end}/${size}`,
        ]);
        expect(response.headers.get('content-length')).toBe(String(end - start + 1));
        expect(response.headers.get('x-repo-commit')).toBe(fixture.commitSha);
        expect(digest(await bytesOf(response))).toBe(digest(fixture.large.subarray(start, end + 1)));
      }
    });

    it('should slice files read through the pooled cat-file processes, and keep serving afterwards', async () => {
      const mediumPath = resolvePath('alice/files', 'main', 'medium.bin');
      for (const [range, start, end] of [
        ['bytes=0-0', 0, 0],
        ['bytes=65530-140000', 65530, 140000],
        ['bytes=-100', fixture.medium.length - 100, fixture.medium.length - 1],
      ] as const) {
        const response = await get(mediumPath, { Range: range });
        expect([range, response.status]).toEqual([range, 206]);
        expect(digest(await bytesOf(response))).toBe(digest(fixture.medium.subarray(start, end + 1)));
      }
      const whole = await get(mediumPath);
      expect(digest(await bytesOf(whole))).toBe(digest(fixture.medium));
      const afterwards = await head(resolvePath('alice/files', 'main', 'config.json'));
      expect(afterwards.status).toBe(200);
    });

    it('should slice small files and LFS pointers held in memory the same way', async () => {
      const response = await get(resolvePath('alice/files', 'main', 'config.json'), { Range: 'bytes=2-7' });
      expect(response.status).toBe(206);
      expect(response.headers.get('content-range')).toBe(`bytes 2-7/${fixture.small.length}`);
      expect(digest(await bytesOf(response))).toBe(digest(fixture.small.subarray(2, 8)));
    });

    it('should answer 416 with bytes */size past the end, on GET', async () => {
      const size = fixture.large.length;
      for (const range of [`bytes=${size}-`, `bytes=${size + 10}-${size + 20}`, 'bytes=-0']) {
        const response = await get(path(), { Range: range });
        expect([range, response.status]).toEqual([range, 416]);
        expect(response.headers.get('content-range')).toBe(`bytes */${size}`);
        expect(response.headers.get('x-error-code')).toBe('RangeNotSatisfiable');
        expect(response.headers.get('x-repo-commit')).toBe(fixture.commitSha);
      }
    });

    it('should ignore malformed, multiple and non-byte ranges and send the whole file with 200', async () => {
      for (const range of ['bytes=abc', 'bytes=5-2', 'bytes=0-1,5-6', 'items=0-5', 'bytes 0-5', 'bytes=-']) {
        const response = await get(path(), { Range: range });
        expect([range, response.status]).toEqual([range, 200]);
        expect(response.headers.get('content-range')).toBeNull();
        expect((await bytesOf(response)).length).toBe(fixture.large.length);
      }
    });

    it('should ignore Range on HEAD (range handling is defined for GET only)', async () => {
      const response = await head(path(), { Range: 'bytes=0-0' });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-length')).toBe(String(fixture.large.length));
    });

    it('should answer the JS probe of an empty file with 206 bytes */0, and other ranges of it with 416', async () => {
      const emptyPath = resolvePath('alice/files', 'main', 'empty.txt');
      const probe = await get(emptyPath, { Range: 'bytes=0-0' });
      expect(probe.status).toBe(206);
      expect(probe.headers.get('content-range')).toBe('bytes */0');
      expect(probe.headers.get('content-length')).toBe('0');
      expect(probe.headers.get('etag')).toBe(`"${gitBlobId(Buffer.alloc(0))}"`);
      expect((await bytesOf(probe)).length).toBe(0);
      const whole = await get(emptyPath);
      expect([whole.status, whole.headers.get('content-length')]).toEqual([200, '0']);
      const headEmpty = await head(emptyPath);
      expect([headEmpty.status, headEmpty.headers.get('content-length')]).toEqual([200, '0']);
      const suffix = await get(emptyPath, { Range: 'bytes=-5' });
      expect([suffix.status, suffix.headers.get('content-range')]).toEqual([416, 'bytes */0']);
    });
  });

  describe('revisions', () => {
    let mainSha: string;

    beforeAll(async () => {
      const api = '/api/models/alice/files';
      await request(hub.url).post(`${api}/tag/main`).set(bearer(alice.token)).send({ tag: 'v1' }).expect(200);
      await request(hub.url)
        .post(`${api}/tag/main`)
        .set(bearer(alice.token))
        .send({ tag: 'v1-annotated', message: 'release' })
        .expect(200);
      await request(hub.url)
        .post(`${api}/branch/${encodeURIComponent('feat/x')}`)
        .set(bearer(alice.token))
        .send({});
      await postCommit(
        hub,
        alice.token,
        'alice/files',
        'feat/x',
        ndjson([header('on feat'), fileLine('feat.txt', 'f')]),
      );
      const pr = await commitLines(
        hub,
        alice.token,
        'alice/files',
        [header('proposal'), fileLine('pr.txt', 'proposed')],
        { query: 'create_pr=1' },
      );
      expect(pr.status).toBe(200);
      mainSha = gitIn(await openGit(hub, 'alice/files'), ['rev-parse', 'main']).trim();
    });

    it('should put the commit sha, never the tag, in X-Repo-Commit for lightweight and annotated tags', async () => {
      for (const tag of ['v1', 'v1-annotated']) {
        const response = await head(resolvePath('alice/files', tag, 'config.json'));
        expect([tag, response.status, response.headers.get('x-repo-commit')]).toEqual([tag, 200, mainSha]);
      }
    });

    it('should accept a full commit id, HEAD, and branch names holding "/" when percent-encoded', async () => {
      const bySha = await head(resolvePath('alice/files', mainSha, 'config.json'));
      expect([bySha.status, bySha.headers.get('x-repo-commit')]).toEqual([200, mainSha]);
      const byHead = await head(resolvePath('alice/files', 'HEAD', 'config.json'));
      expect([byHead.status, byHead.headers.get('x-repo-commit')]).toEqual([200, mainSha]);
      const onBranch = await get(resolvePath('alice/files', 'feat/x', 'feat.txt'));
      expect([onBranch.status, (await bytesOf(onBranch)).toString()]).toEqual([200, 'f']);
      const notOnMain = await head(resolvePath('alice/files', 'main', 'feat.txt'));
      expect([notOnMain.status, notOnMain.headers.get('x-error-code')]).toEqual([404, 'EntryNotFound']);
    });

    it('should accept refs/pr/1 percent-encoded (Python) and raw (three segments)', async () => {
      const encoded = await get(resolvePath('alice/files', 'refs/pr/1', 'pr.txt'));
      expect([encoded.status, (await bytesOf(encoded)).toString()]).toEqual([200, 'proposed']);
      const raw = await get('/alice/files/resolve/refs/pr/1/pr.txt');
      expect([raw.status, (await bytesOf(raw)).toString()]).toEqual([200, 'proposed']);
      const prSha = gitIn(await openGit(hub, 'alice/files'), ['rev-parse', 'refs/pr/1']).trim();
      expect(raw.headers.get('x-repo-commit')).toBe(prSha);
    });
  });

  describe('errors', () => {
    let bob: Writer;
    let privateFixture: DownloadFixture;

    beforeAll(async () => {
      bob = await newWriter(hub, 'bob');
      privateFixture = await seedDownloadRepo(hub, bob.token, 'bob/secret', { isPrivate: true });
    });

    async function expectError(path: string, status: number, code: string, token?: string): Promise<Response[]> {
      const headers = token === undefined ? {} : bearer(token);
      const answers = [await get(path, headers), await head(path, headers)];
      for (const response of answers) {
        expect([path, response.status, response.headers.get('x-error-code')]).toEqual([path, status, code]);
        expect(response.headers.get('x-error-message')).toBeTruthy();
      }
      expect(await answers[0].json()).toEqual({ error: answers[0].headers.get('x-error-message') });
      // A HEAD error announces no JSON body: the JS client would fail parsing it instead of raising HubApiError.
      expect(answers[1].headers.get('content-type')).toBeNull();
      return answers;
    }

    it('should answer RepoNotFound for a missing repository, on GET and in the headers of HEAD', async () => {
      // 401 to anonymous callers and 404 to signed-in ones, like huggingface.co.
      await expectError(resolvePath('alice/nothing', 'main', 'config.json'), 401, 'RepoNotFound');
      await expectError(resolvePath('nobody/nothing', 'main', 'config.json'), 401, 'RepoNotFound');
      await expectError(resolvePath('alice/nothing', 'main', 'config.json'), 404, 'RepoNotFound', alice.token);
      await expectError(resolvePath('nobody/nothing', 'main', 'config.json'), 404, 'RepoNotFound', alice.token);
    });

    it('should answer a private repository exactly like a missing one to anonymous callers and outsiders', async () => {
      const path = resolvePath('bob/secret', 'main', 'config.json');
      const missingPath = resolvePath('bob/never-existed', 'main', 'config.json');
      const comparisons = [
        [await expectError(path, 401, 'RepoNotFound'), await expectError(missingPath, 401, 'RepoNotFound')],
        [
          await expectError(path, 404, 'RepoNotFound', alice.token),
          await expectError(missingPath, 404, 'RepoNotFound', alice.token),
        ],
      ];
      for (const [secret, missing] of comparisons) {
        for (const [index, answer] of secret.entries()) {
          expect(answer.headers.get('x-error-message')).toBe(
            missing[index].headers.get('x-error-message')?.replace('never-existed', 'secret'),
          );
          expect(answer.headers.get('x-repo-commit')).toBeNull();
        }
      }
      const owner = await get(path, bearer(bob.token));
      expect(owner.status).toBe(200);
      expect(digest(await bytesOf(owner))).toBe(digest(privateFixture.small));
      const readToken = await apiToken(hub, bob.account, 'read');
      expect((await head(path, bearer(readToken))).status).toBe(200);
    });

    it('should answer RevisionNotFound for unknown or malformed revisions', async () => {
      for (const revision of ['nope', 'main..HEAD', 'main:config.json', 'main^', '-x', 'refs/pr/99']) {
        await expectError(resolvePath('alice/files', revision, 'config.json'), 404, 'RevisionNotFound');
      }
    });

    it('should answer EntryNotFound with X-Repo-Commit for missing files, folders and an empty path', async () => {
      for (const path of ['missing.txt', 'dir a', 'dir a/nope.txt']) {
        const [answer] = await expectError(resolvePath('alice/files', 'main', path), 404, 'EntryNotFound');
        expect(answer.headers.get('x-repo-commit')).toBe(fixture.commitSha);
      }
      const [bare] = await expectError('/alice/files/resolve/main', 404, 'EntryNotFound');
      expect(bare.headers.get('x-repo-commit')).toBe(fixture.commitSha);
    });

    it('should refuse paths and repository ids that try to escape, without looking anything up', async () => {
      for (const path of [
        '/alice/files/resolve/main/../../bob/secret/resolve/main/config.json',
        '/alice/files/resolve/main/dir%20a/..%2F..%2Fconfig.json',
        '/alice/files/resolve/main/.git%2Fconfig',
        '/alice/files/resolve/main/%2Fetc%2Fpasswd',
        '/alice/files/resolve/main/a//b',
      ]) {
        const response = await rawRequest(hub.url, 'GET', path);
        expect([path, response.status]).toEqual([path, expect.any(Number)]);
        expect(response.status >= 400 && response.status < 500).toBe(true);
        expect(response.body.toString()).not.toContain('hidden_size');
      }
      const traversal = await rawRequest(hub.url, 'GET', '/alice/files/resolve/main/x%2F..%2F..%2Fconfig.json');
      expect([traversal.status, traversal.headers['x-error-code']]).toEqual([422, 'InvalidPath']);
      const encodedId = await rawRequest(hub.url, 'GET', '/alice%2F..%2Fbob/secret/resolve/main/config.json');
      expect([encodedId.status, encodedId.headers['x-error-code']]).toEqual([401, 'RepoNotFound']);
      const headTraversal = await rawRequest(hub.url, 'HEAD', '/alice/files/resolve/main/x%2F..%2Fconfig.json');
      expect([headTraversal.status, headTraversal.headers['x-error-code']]).toEqual([422, 'InvalidPath']);
    });

    it('should answer a malformed percent-encoding with 400 BadRequest', async () => {
      const response = await rawRequest(hub.url, 'GET', '/alice/files/resolve/ma%ZZin/config.json');
      expect([response.status, response.headers['x-error-code']]).toEqual([400, 'BadRequest']);
    });

    it('should refuse an invalid token with 401 instead of serving anonymously', async () => {
      const response = await head(resolvePath('alice/files', 'main', 'config.json'), {
        Authorization: 'Bearer hf_invalid_token_000000000000000000000000',
      });
      expect([response.status, response.headers.get('x-error-message')]).toEqual([
        401,
        'Invalid credentials in Authorization header',
      ]);
    });

    it('should serve gated files only to callers with access of their own: GatedRepo 401 anonymous, 403 signed in', async () => {
      const carol = await newWriter(hub, 'carol');
      await seedDownloadRepo(hub, carol.token, 'carol/gated');
      await request(hub.url)
        .put('/api/models/carol/gated/settings')
        .set(bearer(carol.token))
        .send({ gated: 'manual' })
        .expect(200);
      const path = resolvePath('carol/gated', 'main', 'config.json');
      await expectError(path, 401, 'GatedRepo');
      await expectError(path, 403, 'GatedRepo', alice.token);
      expect((await head(path, bearer(carol.token))).status).toBe(200);
    });
  });

  describe('other repository types and moved repositories', () => {
    it('should serve datasets and spaces under their prefix, and models under /models/ too', async () => {
      const dataset = await seedDownloadRepo(hub, alice.token, 'alice/data', { type: 'dataset' });
      const space = await seedDownloadRepo(hub, alice.token, 'alice/app', { type: 'space' });
      for (const [fixtureOfType, prefix] of [
        [dataset, '/datasets'],
        [space, '/spaces'],
      ] as const) {
        const response = await get(`${prefix}/${fixtureOfType.repoId}/resolve/main/model.safetensors`);
        expect(response.status).toBe(302);
        expect(response.headers.get('x-repo-commit')).toBe(fixtureOfType.commitSha);
        const raw = await get(`${prefix}/${fixtureOfType.repoId}/raw/main/config.json`);
        expect(digest(await bytesOf(raw))).toBe(digest(fixtureOfType.small));
      }
      const asModelsPrefix = await get('/models/alice/files/resolve/main/config.json');
      expect(digest(await bytesOf(asModelsPrefix))).toBe(digest(fixture.small));
      const wrongType = await head(`${webPath('alice/data', 'model')}/resolve/main/config.json`);
      expect([wrongType.status, wrongType.headers.get('x-error-code')]).toEqual([401, 'RepoNotFound']);
      const wrongTypeSignedIn = await head(
        `${webPath('alice/data', 'model')}/resolve/main/config.json`,
        bearer(alice.token),
      );
      expect([wrongTypeSignedIn.status, wrongTypeSignedIn.headers.get('x-error-code')]).toEqual([404, 'RepoNotFound']);
      const unknownType = await get('/widgets/alice/files/resolve/main/config.json');
      expect(unknownType.status).toBe(404);
    });

    it('should answer a moved repository old name with a relative 307 to the new one, for readers only', async () => {
      const dave = await newAccount(hub, 'dave');
      const daveToken = await apiToken(hub, dave, 'write');
      await seedDownloadRepo(hub, daveToken, 'dave/old-name');
      await seedDownloadRepo(hub, daveToken, 'dave/old-private', { isPrivate: true });
      for (const [from, to] of [
        ['dave/old-name', 'dave/new-name'],
        ['dave/old-private', 'dave/new-private'],
      ]) {
        await request(hub.url)
          .post('/api/repos/move')
          .set(bearer(daveToken))
          .send({ fromRepo: from, toRepo: to, type: 'model' })
          .expect(200);
      }
      for (const method of [head, get]) {
        const moved = await method(`${resolvePath('dave/old-name', 'main', 'dir a/é #1.txt')}?x=1`);
        expect(moved.status).toBe(307);
        expect(moved.headers.get('location')).toBe(`${resolvePath('dave/new-name', 'main', 'dir a/é #1.txt')}?x=1`);
      }
      const followed = await fetch(`${hub.url}${resolvePath('dave/old-name', 'main', 'config.json')}`);
      expect([followed.status, (await bytesOf(followed)).toString()]).toEqual([200, '{"hidden_size": 8}\n']);
      const hidden = await head(resolvePath('dave/old-private', 'main', 'config.json'));
      expect([hidden.status, hidden.headers.get('x-error-code'), hidden.headers.get('location')]).toEqual([
        401,
        'RepoNotFound',
        null,
      ]);
      const hiddenFromOutsider = await head(
        resolvePath('dave/old-private', 'main', 'config.json'),
        bearer(alice.token),
      );
      expect([
        hiddenFromOutsider.status,
        hiddenFromOutsider.headers.get('x-error-code'),
        hiddenFromOutsider.headers.get('location'),
      ]).toEqual([404, 'RepoNotFound', null]);
      const ownerSees = await head(resolvePath('dave/old-private', 'main', 'config.json'), bearer(daveToken));
      expect(ownerSees.status).toBe(307);
    });
  });

  describe('download events', () => {
    it('should publish one event per resolve GET, none for HEAD, raw or errors', async () => {
      events.length = 0;
      await head(resolvePath('alice/files', 'main', 'config.json'));
      await get(resolvePath('alice/files', 'main', 'missing.txt'));
      await (await get('/alice/files/raw/main/config.json')).arrayBuffer();
      await (await get(resolvePath('alice/files', 'main', 'large.txt'), { Range: 'bytes=5-9' })).arrayBuffer();
      await get(resolvePath('alice/files', 'main', 'model.safetensors'));
      await new Promise((resolve) => setImmediate(resolve));
      expect(events).toEqual([
        expect.objectContaining({
          repoFullId: 'alice/files',
          revision: 'main',
          commitSha: expect.stringMatching(/^[0-9a-f]{40}$/),
          path: 'large.txt',
          size: fixture.large.length,
          isLfs: false,
          range: { start: 5, end: 9 },
          delivery: 'git',
          userId: null,
        }),
        expect.objectContaining({
          path: 'model.safetensors',
          size: fixture.lfs.length,
          isLfs: true,
          range: null,
          delivery: 'redirect',
        }),
      ]);
    });
  });
});
