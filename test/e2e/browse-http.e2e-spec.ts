import { createHash } from 'node:crypto';
import sharp from 'sharp';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { RepoEntity } from 'src/repo/repo.entity';
import { RepoService } from 'src/repo/repo.service';
import { createTestHub, TestHub } from 'test/utils/test-hub';
import { BrowseRepo, gitTree, seedBrowseRepo } from 'test/e2e/browse-fixtures';
import {
  ACCOUNT_TEST_ENV,
  bearer,
  committedOid,
  createRepo,
  fileLine,
  gitIn,
  header,
  newWriter,
  openGit,
  revParse,
  Writer,
} from 'test/e2e/commit-helpers';

/** The exact `Link` shape both clients parse: absolute URL, `; `, quoted rel. */
const LINK_NEXT = /^<(https?:\/\/[^>]+)>; rel="next"$/;
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface Entry {
  type: string;
  oid: string;
  size: number;
  path: string;
  lfs?: { oid: string; size: number; pointerSize: number };
  lastCommit?: { id: string; title: string; date: string };
}

function nextLink(response: request.Response): string | null {
  const link = response.headers.link as string | undefined;
  if (link === undefined) {
    return null;
  }
  const match = LINK_NEXT.exec(link);
  if (match === null) {
    throw new Error(`Malformed Link header: ${link}`);
  }
  return match[1];
}

function expectError(response: request.Response, status: number, code: string): void {
  expect({ status: response.status, code: response.headers['x-error-code'] }).toEqual({ status, code });
  expect(response.headers['x-error-message']).toBeTruthy();
  expect(response.body).toEqual(expect.objectContaining({ error: expect.any(String) }));
}

describe('tree, paths-info, refs and commits over plain HTTP', () => {
  let hub: TestHub;
  let alice: Writer;
  let bob: Writer;
  let repo: BrowseRepo;

  beforeAll(async () => {
    hub = await createTestHub({ env: ACCOUNT_TEST_ENV });
    alice = await newWriter(hub, 'alice');
    bob = await newWriter(hub, 'bob');
    repo = await seedBrowseRepo(hub, alice.token, 'alice/browse');
    await createRepo(hub, alice.token, 'secret', { isPrivate: true });
  });

  afterAll(async () => {
    await hub.close();
  });

  const api = '/api/models/alice/browse';

  /** Every page of a listing, following `Link`; checks each link is absolute on the hub's host. */
  async function allPages(path: string): Promise<{ items: Entry[]; pages: number }> {
    const items: Entry[] = [];
    let url: string | null = `${hub.url}${path}`;
    let pages = 0;
    while (url !== null) {
      expect(url.startsWith(`${hub.url}/`)).toBe(true);
      const target: URL = new URL(url);
      const response = await request(hub.url).get(`${target.pathname}${target.search}`).expect(200);
      items.push(...(response.body as Entry[]));
      pages++;
      url = nextLink(response);
    }
    return { items, pages };
  }

  describe('GET /tree/{revision}/{path}', () => {
    it('should list the direct children of the root with git ids, real sizes and LFS details', async () => {
      const response = await request(hub.url).get(`${api}/tree/main`).expect(200);
      expect(response.headers.link).toBeUndefined();
      const git = await openGit(hub, repo.repoId);
      const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${repo.weightsOid}\nsize 3000\n`;
      const expected = (await gitTree(hub, repo.repoId, 'main')).map((entry) => {
        if (entry.type === 'tree') {
          return { type: 'directory', oid: entry.sha, size: 0, path: entry.path };
        }
        const size = Number(gitIn(git, ['cat-file', '-s', entry.sha]).trim());
        return entry.path === 'weights.bin'
          ? {
              type: 'file',
              oid: entry.sha,
              size: 3000,
              path: entry.path,
              lfs: { oid: repo.weightsOid, size: 3000, pointerSize: Buffer.byteLength(pointer) },
            }
          : { type: 'file', oid: entry.sha, size, path: entry.path };
      });
      expect(response.body).toEqual(expected);
      expect((response.body as Entry[]).map((entry) => entry.path).sort()).toEqual(
        ['.gitattributes', 'README.md', 'config.json', 'empty.txt', 'sub dir', 'weights.bin'].sort(),
      );
      expect(JSON.stringify(response.body)).not.toMatch(/xet/i);
      const weights = (response.body as Entry[]).find((entry) => entry.path === 'weights.bin');
      expect(weights?.oid).toBe(createHash('sha1').update(`blob ${pointer.length}\0${pointer}`).digest('hex'));
    });

    it('should list a folder given percent-encoded, raw, or nested with an encoded slash', async () => {
      const notes = await request(hub.url).get(`${api}/tree/main/sub%20dir`).expect(200);
      expect((notes.body as Entry[]).map((entry) => [entry.type, entry.path])).toEqual([
        ['directory', 'sub dir/deep'],
        ['file', 'sub dir/notes é.txt'],
      ]);
      const deepEncoded = await request(hub.url).get(`${api}/tree/main/sub%20dir%2Fdeep`).expect(200);
      const deepRaw = await request(hub.url).get(`${api}/tree/main/sub%20dir/deep/`).expect(200);
      expect(deepEncoded.body).toEqual([
        { type: 'file', oid: expect.any(String), size: 2, path: 'sub dir/deep/x.txt' },
      ]);
      expect(deepRaw.body).toEqual(deepEncoded.body);
    });

    it('should list files and folders below a folder with recursive, accepting every boolean spelling', async () => {
      const expected = (await gitTree(hub, repo.repoId, 'main', '', true)).map((entry) => entry.path);
      for (const spelling of ['true', 'True', '1']) {
        const response = await request(hub.url).get(`${api}/tree/main?recursive=${spelling}&expand=False`).expect(200);
        expect((response.body as Entry[]).map((entry) => entry.path)).toEqual(expected);
      }
      expect(expected).toEqual(expect.arrayContaining(['sub dir', 'sub dir/deep', 'sub dir/deep/x.txt']));
      const below = await request(hub.url).get(`${api}/tree/main/sub%20dir?recursive=true`).expect(200);
      expect((below.body as Entry[]).map((entry) => entry.path)).toEqual([
        'sub dir/deep',
        'sub dir/deep/x.txt',
        'sub dir/notes é.txt',
      ]);
    });

    it('should add the last commit of every entry with expand', async () => {
      const git = await openGit(hub, repo.repoId);
      const response = await request(hub.url).get(`${api}/tree/main?expand=true&recursive=true`).expect(200);
      const entries = response.body as Entry[];
      expect(entries.length).toBeGreaterThan(5);
      for (const entry of entries) {
        const [id, title, seconds] = gitIn(git, ['log', '-1', '--format=%H%x00%s%x00%ct', 'main', '--', entry.path])
          .trim()
          .split('\0');
        expect(entry.lastCommit).toEqual({ id, title, date: new Date(Number(seconds) * 1000).toISOString() });
        expect(entry.lastCommit?.date).toMatch(ISO_Z);
      }
      const config = entries.find((entry) => entry.path === 'config.json');
      expect(config?.lastCommit?.title).toBe('Update config');
      expect(entries.find((entry) => entry.path === 'sub dir')?.lastCommit?.title).toBe('Add files');
    });

    it('should accept branches, tags, commit ids, HEAD and pull requests, encoded or raw', async () => {
      const paths = async (url: string): Promise<string[]> =>
        ((await request(hub.url).get(url).expect(200)).body as Entry[]).map((entry) => entry.path);
      const onMain = await paths(`${api}/tree/main/sub%20dir`);
      const onFeature = [...onMain, 'sub dir/feature.txt'].sort();
      expect((await paths(`${api}/tree/feat%2Fx/sub%20dir`)).sort()).toEqual(onFeature);
      expect((await paths(`${api}/tree/feat/x/sub%20dir`)).sort()).toEqual(onFeature);
      expect((await paths(`${api}/tree/refs%2Fheads%2Ffeat%2Fx/sub%20dir`)).sort()).toEqual(onFeature);
      expect(await paths(`${api}/tree/HEAD/sub%20dir`)).toEqual(onMain);
      expect(await paths(`${api}/tree/v1/sub%20dir`)).toEqual(onMain);
      expect(await paths(`${api}/tree/${repo.main}/sub%20dir`)).toEqual(onMain);
      expect(await paths(`${api}/tree/${repo.main.slice(0, 10)}/sub%20dir`)).toEqual(onMain);
      expect(await paths(`${api}/tree/refs%2Fpr%2F1`)).toContain('proposal.txt');
      expect(await paths(`${api}/tree/refs/pr/1`)).toContain('proposal.txt');
      expect(await paths(`${api}/tree/main`)).not.toContain('proposal.txt');
    });

    it('should page with an absolute Link on the host the client used, pinned to the first commit', async () => {
      const full = (await request(hub.url).get(`${api}/tree/main?recursive=true`).expect(200)).body as Entry[];
      const first = await request(hub.url)
        .get(`${api}/tree/main?recursive=true&limit=3`)
        .set('Host', 'hub.example.test:8080')
        .expect(200);
      expect(first.headers.link).toMatch(LINK_NEXT);
      expect(nextLink(first)).toMatch(/^http:\/\/hub\.example\.test:8080\/api\/models\/alice\/browse\/tree\/main\?/);
      const paged = await allPages(`${api}/tree/main?recursive=true&limit=3`);
      expect(paged.items).toEqual(full);
      expect(paged.pages).toBe(Math.ceil(full.length / 3));

      const url = new URL(nextLink(first) ?? '');
      await committedOid(hub, alice.token, repo.repoId, [header('Later'), fileLine('aaa-later.txt', 'l')]);
      try {
        const second = await request(hub.url).get(`${url.pathname}${url.search}`).expect(200);
        expect(second.body).toEqual(full.slice(3, 6));
      } finally {
        const git = await openGit(hub, repo.repoId);
        gitIn(git, ['update-ref', 'refs/heads/main', repo.main]);
      }
    });

    it('should answer EntryNotFound for a missing folder or a file, with the commit', async () => {
      for (const path of ['missing', 'config.json', 'sub%20dir%2Fnope']) {
        const response = await request(hub.url).get(`${api}/tree/main/${path}`);
        expectError(response, 404, 'EntryNotFound');
        expect(response.headers['x-repo-commit']).toBe(repo.main);
      }
    });

    it('should answer RevisionNotFound, RepoNotFound, and refuse escaping paths and bad parameters', async () => {
      expectError(await request(hub.url).get(`${api}/tree/nope`), 404, 'RevisionNotFound');
      expectError(await request(hub.url).get(`${api}/tree/refs%2Fpr%2F9`), 404, 'RevisionNotFound');
      expectError(await request(hub.url).get(`${api}/tree/main..v1`), 404, 'RevisionNotFound');
      // Anonymous callers get 401 RepoNotFound, like on huggingface.co (signing in may help).
      expectError(await request(hub.url).get('/api/models/alice/none/tree/main'), 401, 'RepoNotFound');
      expectError(await request(hub.url).get('/api/datasets/alice/browse/tree/main'), 401, 'RepoNotFound');
      expectError(
        await request(hub.url).get('/api/models/alice/none/tree/main').set(bearer(bob.token)),
        404,
        'RepoNotFound',
      );
      expectError(await request(hub.url).get(`${api}/tree/main/%2E%2E`), 422, 'InvalidPath');
      expectError(await request(hub.url).get(`${api}/tree/main/sub%20dir%2F..%2F..`), 422, 'InvalidPath');
      expectError(await request(hub.url).get(`${api}/tree/main/.git`), 422, 'InvalidPath');
      expectError(await request(hub.url).get(`${api}/tree/main?recursive=maybe`), 400, 'BadRequest');
      expectError(await request(hub.url).get(`${api}/tree/main?limit=0`), 400, 'BadRequest');
      expectError(await request(hub.url).get(`${api}/tree/main?limit=1001`), 400, 'BadRequest');
      expectError(await request(hub.url).get(`${api}/tree/main?cursor=garbage`), 400, 'BadRequest');
      const forged = Buffer.from(`${'0'.repeat(40)}:1`).toString('base64url');
      expectError(await request(hub.url).get(`${api}/tree/main?cursor=${forged}`), 400, 'BadRequest');
    });
  });

  describe('POST /paths-info/{revision}', () => {
    it('should describe existing paths from a form body, in order, leaving out missing ones', async () => {
      const response = await request(hub.url)
        .post(`${api}/paths-info/main`)
        .type('form')
        .send('paths=weights.bin&paths=sub%20dir&paths=missing&paths=sub%20dir%2Fnotes%20%C3%A9.txt&expand=False')
        .expect(200);
      const tree = await gitTree(hub, repo.repoId, 'main', '', true);
      const shaOf = (path: string): string | undefined => tree.find((entry) => entry.path === path)?.sha;
      expect(response.body).toEqual([
        {
          type: 'file',
          oid: shaOf('weights.bin'),
          size: 3000,
          path: 'weights.bin',
          lfs: { oid: repo.weightsOid, size: 3000, pointerSize: expect.any(Number) },
        },
        { type: 'directory', oid: shaOf('sub dir'), size: 0, path: 'sub dir' },
        { type: 'file', oid: shaOf('sub dir/notes é.txt'), size: 6, path: 'sub dir/notes é.txt' },
      ]);
    });

    it('should take a single form path, a JSON body, trailing slashes, and expand', async () => {
      const single = await request(hub.url)
        .post(`${api}/paths-info/main`)
        .type('form')
        .send('paths=config.json')
        .expect(200);
      expect((single.body as Entry[]).map((entry) => entry.path)).toEqual(['config.json']);
      const json = await request(hub.url)
        .post(`${api}/paths-info/${encodeURIComponent('feat/x')}`)
        .send({ paths: ['sub dir/', 'sub dir/feature.txt', 'config.json', 'config.json'], expand: true })
        .expect(200);
      expect(json.body).toEqual([
        expect.objectContaining({
          path: 'sub dir',
          type: 'directory',
          lastCommit: expect.objectContaining({ title: 'Feature work' }),
        }),
        expect.objectContaining({
          path: 'sub dir/feature.txt',
          lastCommit: { id: repo.feature, title: 'Feature work', date: expect.stringMatching(ISO_Z) },
        }),
        expect.objectContaining({
          path: 'config.json',
          lastCommit: expect.objectContaining({ title: 'Update config' }),
        }),
      ]);
      const pr = await request(hub.url)
        .post(`${api}/paths-info/refs%2Fpr%2F1`)
        .send({ paths: ['proposal.txt'] })
        .expect(200);
      expect((pr.body as Entry[]).map((entry) => entry.path)).toEqual(['proposal.txt']);
    });

    it('should accept 1,000 paths and refuse 1,001', async () => {
      const many = Array.from({ length: 1000 }, (_, index) => `missing-${index}.txt`);
      const accepted = await request(hub.url)
        .post(`${api}/paths-info/main`)
        .type('form')
        .send([...many.slice(1), 'config.json'].map((path) => `paths=${encodeURIComponent(path)}`).join('&'))
        .expect(200);
      expect((accepted.body as Entry[]).map((entry) => entry.path)).toEqual(['config.json']);
      const refused = await request(hub.url)
        .post(`${api}/paths-info/main`)
        .send({ paths: [...many, 'config.json'] });
      expectError(refused, 400, 'BadRequest');
      expect(refused.body.error).toMatch(/1000/);
    });

    it('should refuse escaping paths and a missing list, and answer the revision and repository errors', async () => {
      for (const path of ['../x', 'sub dir/../../x', '/etc/passwd', '', '.git/config']) {
        expectError(
          await request(hub.url)
            .post(`${api}/paths-info/main`)
            .send({ paths: ['config.json', path] }),
          422,
          'InvalidPath',
        );
      }
      expectError(await request(hub.url).post(`${api}/paths-info/main`).send({}), 400, 'BadRequest');
      expectError(
        await request(hub.url)
          .post(`${api}/paths-info/main`)
          .send({ paths: [1] }),
        400,
        'BadRequest',
      );
      expectError(
        await request(hub.url)
          .post(`${api}/paths-info/nope`)
          .send({ paths: ['config.json'] }),
        404,
        'RevisionNotFound',
      );
      expectError(
        await request(hub.url)
          .post('/api/models/alice/none/paths-info/main')
          .send({ paths: ['a'] }),
        401,
        'RepoNotFound',
      );
      expectError(
        await request(hub.url)
          .post('/api/models/alice/none/paths-info/main')
          .set(bearer(bob.token))
          .send({ paths: ['a'] }),
        404,
        'RepoNotFound',
      );
    });
  });

  describe('GET /refs', () => {
    it('should list branches, tags and empty converts, and pull requests only when asked', async () => {
      const git = await openGit(hub, repo.repoId);
      const response = await request(hub.url).get(`${api}/refs`).expect(200);
      expect(response.body).toEqual({
        branches: [
          { name: 'feat/x', ref: 'refs/heads/feat/x', targetCommit: repo.feature },
          { name: 'main', ref: 'refs/heads/main', targetCommit: repo.main },
        ],
        tags: [{ name: 'v1', ref: 'refs/tags/v1', targetCommit: revParse(git, 'v1^{commit}') }],
        converts: [],
      });
      const withPrs = await request(hub.url).get(`${api}/refs?include_prs=1`).expect(200);
      expect(withPrs.body.pullRequests).toEqual([
        { name: 'refs/pr/1', ref: 'refs/pr/1', targetCommit: repo.pullRequest },
      ]);
    });

    it('should peel annotated tags to their commit', async () => {
      await request(hub.url)
        .post(`${api}/tag/main`)
        .set(bearer(alice.token))
        .send({ tag: 'annotated', message: 'A release' })
        .expect(200);
      const response = await request(hub.url).get(`${api}/refs`).expect(200);
      expect(response.body.tags).toContainEqual({
        name: 'annotated',
        ref: 'refs/tags/annotated',
        targetCommit: repo.main,
      });
    });
  });

  describe('GET /commits/{revision}', () => {
    it('should list the history newest first with authors, dates and X-Total-Count', async () => {
      const git = await openGit(hub, repo.repoId);
      const response = await request(hub.url).get(`${api}/commits/main`).expect(200);
      const expected = gitIn(git, ['log', '--format=%H', 'main']).trim().split('\n');
      expect(response.headers['x-total-count']).toBe(String(expected.length));
      expect(response.headers.link).toBeUndefined();
      const commits = response.body as {
        id: string;
        title: string;
        message: string;
        authors: { user: string }[];
        date: string;
      }[];
      expect(commits.map((commit) => commit.id)).toEqual(expected);
      expect(commits[0]).toEqual({
        id: repo.main,
        title: 'Update config',
        message: '',
        authors: [{ user: 'alice' }],
        date: expect.stringMatching(ISO_Z),
      });
      expect(commits[1]).toMatchObject({ title: 'Add files', message: 'First upload\n\nwith <details> & more' });
      expect(commits[0]).not.toHaveProperty('formatted');
    });

    it('should render formatted titles and messages on request, in both list spellings', async () => {
      for (const query of ['expand[]=formatted', 'expand=formatted']) {
        const response = await request(hub.url).get(`${api}/commits/main?${query}`).expect(200);
        expect(response.body[1].formatted).toEqual({
          title: 'Add files',
          message: '<p>First upload</p><p>with &#60;details&#62; &#38; more</p>',
        });
      }
      expectError(await request(hub.url).get(`${api}/commits/main?expand=bogus`), 400, 'BadRequest');
    });

    it('should page with Link and keep X-Total-Count on every page', async () => {
      const full = (await request(hub.url).get(`${api}/commits/main`).expect(200)).body as { id: string }[];
      const ids: string[] = [];
      let url: string | null = `${hub.url}${api}/commits/main?limit=1&expand%5B%5D=formatted`;
      while (url !== null) {
        const target: URL = new URL(url);
        const response = await request(hub.url).get(`${target.pathname}${target.search}`).expect(200);
        expect(response.headers['x-total-count']).toBe(String(full.length));
        expect(response.body).toHaveLength(1);
        expect(response.body[0].formatted).toBeDefined();
        ids.push(response.body[0].id as string);
        url = nextLink(response);
      }
      expect(ids).toEqual(full.map((commit) => commit.id));
    });

    it('should list other revisions given raw or encoded, and answer the errors', async () => {
      const raw = await request(hub.url).get(`${api}/commits/feat/x`).expect(200);
      const encoded = await request(hub.url).get(`${api}/commits/feat%2Fx`).expect(200);
      expect(raw.body[0].id).toBe(repo.feature);
      expect(encoded.body).toEqual(raw.body);
      const pr = await request(hub.url).get(`${api}/commits/refs%2Fpr%2F1?limit=1`).expect(200);
      expect(pr.body[0]).toMatchObject({ id: repo.pullRequest, title: 'Proposal' });
      const tag = await request(hub.url).get(`${api}/commits/v1?limit=1`).expect(200);
      expect(tag.body[0].id).toBe(repo.main);
      expectError(await request(hub.url).get(`${api}/commits/nope`), 404, 'RevisionNotFound');
      expectError(await request(hub.url).get(`${api}/commits/main?limit=abc`), 400, 'BadRequest');
      expectError(await request(hub.url).get('/api/models/alice/none/commits/main'), 401, 'RepoNotFound');
      expectError(
        await request(hub.url).get('/api/models/alice/none/commits/main').set(bearer(bob.token)),
        404,
        'RepoNotFound',
      );
    });

    it('should name the current account, with its avatar, and fall back to the git author', async () => {
      const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } })
        .png()
        .toBuffer();
      await request(hub.url)
        .post('/api/users/alice/avatar')
        .set(bearer(alice.token))
        .attach('file', png, { filename: 'a.png', contentType: 'image/png' })
        .expect(200);
      const git = await openGit(hub, repo.repoId);
      const outside = await git.createCommit({
        parent: repo.main,
        message: 'Pushed elsewhere\n',
        author: { name: 'Someone Else', email: 'else@example.com', date: new Date('2024-01-02T03:04:05Z') },
        committer: { name: 'Someone Else', email: 'else@example.com', date: new Date('2024-01-02T03:04:05Z') },
        changes: [{ kind: 'put', path: 'outside.txt', mode: '100644', content: Buffer.from('o') }],
      });
      await git.updateRef('refs/heads/outside', outside.commitSha, null);
      const response = await request(hub.url).get(`${api}/commits/outside?limit=2`).expect(200);
      expect(response.body.map((commit: { authors: unknown }) => commit.authors)).toEqual([
        [{ user: 'Someone Else' }],
        [{ user: 'alice', avatar: `${hub.url}/api/users/alice/avatar` }],
      ]);
      expect(response.body[0].date).toBe('2024-01-02T03:04:05.000Z');
    });
  });

  it('should document the four operations in the OpenAPI document', async () => {
    const document = await request(hub.url).get('/docs-json').expect(200);
    const paths = document.body.paths as Record<string, Record<string, { operationId: string }>>;
    const operations = Object.values(paths).flatMap((methods) => Object.values(methods).map((op) => op.operationId));
    expect(operations).toEqual(
      expect.arrayContaining(['listRepoTree', 'getPathsInfo', 'listRepoRefs', 'listRepoCommits']),
    );
    expect(JSON.stringify(document.body.components.schemas.TreeEntryDto)).not.toMatch(/xet/i);
  });

  describe('private repositories', () => {
    it('should answer outsiders and anonymous callers exactly like for a missing repository', async () => {
      const routes = (repoName: string): [string, string][] => [
        ['get', `/api/models/alice/${repoName}/tree/main`],
        ['get', `/api/models/alice/${repoName}/refs`],
        ['get', `/api/models/alice/${repoName}/commits/main`],
        ['post', `/api/models/alice/${repoName}/paths-info/main`],
      ];
      for (const token of [undefined, bob.token]) {
        for (const [[method, secretPath], [, missingPath]] of routes('secret').map(
          (route, index) => [route, routes('missing')[index]] as const,
        )) {
          const send = (path: string): request.Test => {
            const call =
              method === 'get'
                ? request(hub.url).get(path)
                : request(hub.url)
                    .post(path)
                    .send({ paths: ['a'] });
            return token === undefined ? call : call.set(bearer(token));
          };
          const secret = await send(secretPath);
          const missing = await send(missingPath);
          expectError(secret, token === undefined ? 401 : 404, 'RepoNotFound');
          expect(secret.status).toBe(missing.status);
          expect(secret.headers['x-error-message']).toBe(
            missing.headers['x-error-message'].replace('missing', 'secret'),
          );
          expect(secret.body).toEqual({ error: missing.body.error.replace('missing', 'secret') });
        }
      }
      await request(hub.url).get('/api/models/alice/secret/tree/main').set(bearer(alice.token)).expect(200);
      await request(hub.url).get('/api/models/alice/secret/commits/main').set(bearer(alice.token)).expect(200);
    });

    it('should redirect a moved repository relatively, and refuse a disabled one', async () => {
      await createRepo(hub, alice.token, 'before-move');
      await request(hub.url)
        .post('/api/repos/move')
        .set(bearer(alice.token))
        .send({ fromRepo: 'alice/before-move', toRepo: 'alice/after-move', type: 'model' })
        .expect(200);
      const moved = await request(hub.url).get('/api/models/alice/before-move/tree/main/sub?recursive=true');
      expect(moved.status).toBe(307);
      expect(moved.headers.location).toBe('/api/models/alice/after-move/tree/main/sub?recursive=true');
      const movedPost = await request(hub.url)
        .post('/api/models/alice/before-move/paths-info/main')
        .send({ paths: ['a'] });
      expect([movedPost.status, movedPost.headers.location]).toEqual([
        307,
        '/api/models/alice/after-move/paths-info/main',
      ]);

      await createRepo(hub, alice.token, 'disabled');
      await hub.app
        .get(DataSource)
        .getRepository(RepoEntity)
        .update(
          { id: (await hub.app.get(RepoService).findRepo('model', 'alice', 'disabled')).id },
          { isDisabled: true },
        );
      for (const path of ['tree/main', 'refs', 'commits/main']) {
        const response = await request(hub.url).get(`/api/models/alice/disabled/${path}`).set(bearer(alice.token));
        expectError(response, 403, 'DisabledRepo');
        expect(response.headers['x-error-message']).toBe('Access to this resource is disabled.');
      }
    });

    it('should refuse an invalid token instead of reading anonymously', async () => {
      const response = await request(hub.url)
        .get(`${api}/tree/main`)
        .set('Authorization', 'Bearer hf_not_a_real_token_0000000000000000000');
      expect(response.status).toBe(401);
    });
  });
});
