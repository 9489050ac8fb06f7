import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { RepoEntity } from 'src/repo/repo.entity';
import { RepoRepository } from 'src/repo/repo.repository';
import { RepoService } from 'src/repo/repo.service';
import { RepoType } from 'src/repo/repo-types';
import { addMember, createOrg, siteAdmin, TestAccount } from 'test/utils/accounts';
import { createTestHub, TestHub } from 'test/utils/test-hub';
import {
  ACCOUNT_TEST_ENV,
  bearer,
  commitLines,
  createRepo,
  fileLine,
  gitIn,
  header,
  newWriter,
  openGit,
  revParse,
  Writer,
} from 'test/e2e/commit-helpers';

const PAGE_SIZE = 3;
const LINK = /^<(https?:\/\/[^>]+)>; rel="next"$/;

type Item = Record<string, unknown> & { id: string };

function card(lines: string[]): string {
  return ['---', ...lines, '---', '# Card', ''].join('\n');
}

/** HTTP-level tests of `GET /api/models|datasets|spaces` and `GET /api/users/{username}/repos`. */
describe('repository listings over HTTP', () => {
  let hub: TestHub;
  let alice: Writer;
  let bob: Writer;
  let carol: Writer;
  let admin: TestAccount;

  /** Public models, in creation order. */
  const publicModels = ['alice/m-alpha', 'alice/m-beta', 'alice/m-gamma', 'bob/b-one', 'bob/b-two', 'acme/org-public'];

  async function setCounters(repoId: string, fields: Partial<RepoEntity>, type: RepoType = 'model'): Promise<void> {
    const [namespace, name] = repoId.split('/');
    const repo = await hub.app.get(RepoService).findRepo(type, namespace, name);
    await hub.app.get(RepoRepository).update(repo.id, fields);
  }

  async function commitReadme(token: string, repoId: string, readme: string, type: RepoType = 'model'): Promise<void> {
    await commitLines(hub, token, repoId, [header('card'), fileLine('README.md', readme)], {
      type,
    }).expect(200);
  }

  beforeAll(async () => {
    hub = await createTestHub({ env: { ...ACCOUNT_TEST_ENV, KOHAKU_HUB_LIST_MAX_PAGE_SIZE: String(PAGE_SIZE) } });
    alice = await newWriter(hub, 'alice');
    bob = await newWriter(hub, 'bob');
    carol = await newWriter(hub, 'carol');
    admin = await siteAdmin(hub);
    await createOrg(hub, alice.account, 'acme');
    await addMember(hub, alice.account, 'acme', 'carol', 'read');

    await createRepo(hub, alice.token, 'm-alpha');
    await createRepo(hub, alice.token, 'm-beta');
    await createRepo(hub, alice.token, 'm-gamma');
    await createRepo(hub, alice.token, 'm-private', { isPrivate: true });
    await createRepo(hub, bob.token, 'b-one');
    await createRepo(hub, bob.token, 'b-two');
    for (const [name, isPrivate] of [
      ['org-private', true],
      ['org-public', false],
    ] as const) {
      await request(hub.url)
        .post('/api/repos/create')
        .set(bearer(alice.token))
        .send({ name, organization: 'acme', private: isPrivate })
        .expect(200);
    }
    await createRepo(hub, alice.token, 'd-one', { type: 'dataset' });
    await createRepo(hub, alice.token, 's-one', { type: 'space' });

    await commitReadme(
      alice.token,
      'alice/m-alpha',
      card(['license: mit', 'library_name: transformers', 'pipeline_tag: text-classification', 'tags: [nlp]']),
    );
    await commitReadme(
      alice.token,
      'alice/m-beta',
      card(['license: apache-2.0', 'pipeline_tag: image-classification', 'tags: [vision]']),
    );
    await commitReadme(bob.token, 'bob/b-one', card(['tags: [nlp]', 'license: apache-2.0']));
    await commitReadme(alice.token, 'alice/d-one', card(['language: [en]', 'license: mit']), 'dataset');
    await commitReadme(alice.token, 'alice/s-one', card(['sdk: docker']), 'space');
    await request(hub.url)
      .put('/api/models/bob/b-two/settings')
      .set(bearer(bob.token))
      .send({ gated: 'auto' })
      .expect(200);

    await setCounters('alice/m-alpha', { downloads: 50, likes: 1, trendingScore: 7 });
    await setCounters('alice/m-beta', { downloads: 10, likes: 9, trendingScore: 3 });
    await setCounters('alice/m-gamma', { downloads: 30, likes: 4, trendingScore: 3 });
    await setCounters('bob/b-one', { downloads: 30, likes: 2, trendingScore: 12 });
    await setCounters('bob/b-two', { downloads: 0, likes: 5, trendingScore: 0 });
    await setCounters('acme/org-public', { downloads: 99, likes: 0, trendingScore: 1 });

    // Commit dates have whole seconds: the last commit must be visibly the newest.
    await sleep(1100);
    await commitLines(hub, alice.token, 'alice/m-gamma', [header('late'), fileLine('late.txt', 'x')]).expect(200);
  });

  afterAll(async () => {
    await hub.close();
  });

  /** Every item of a listing, following `Link` headers; also returns the pages' sizes. */
  async function listAll(
    path: string,
    options: { token?: string; host?: string } = {},
  ): Promise<{ items: Item[]; pages: number[]; links: string[] }> {
    const items: Item[] = [];
    const pages: number[] = [];
    const links: string[] = [];
    let next: string | null = path;
    while (next !== null) {
      let call = request(hub.url).get(next);
      if (options.token) {
        call = call.set(bearer(options.token));
      }
      if (options.host) {
        call = call.set('Host', options.host);
      }
      const response = await call.expect(200);
      items.push(...(response.body as Item[]));
      pages.push((response.body as Item[]).length);
      const link = response.headers.link as string | undefined;
      if (link === undefined) {
        next = null;
      } else {
        links.push(link);
        const match = LINK.exec(link);
        expect(match).not.toBeNull();
        const url = new URL(match?.[1] ?? '');
        next = `${url.pathname}${url.search}`;
      }
      expect(pages.length).toBeLessThan(20);
    }
    return { items, pages, links };
  }

  function ids(items: Item[]): string[] {
    return items.map((item) => item.id);
  }

  describe('paging', () => {
    it('should page through every public model with absolute Link headers on the host the client used', async () => {
      const { items, pages, links } = await listAll('/api/models?sort=createdAt&direction=1', {
        host: 'hub.example.test:8443',
      });
      expect(ids(items)).toEqual(publicModels);
      expect(pages).toEqual([3, 3]);
      expect(links).toHaveLength(1);
      const url = new URL(LINK.exec(links[0])?.[1] ?? '');
      expect(url.origin).toBe('http://hub.example.test:8443');
      expect(url.pathname).toBe('/api/models');
      expect(url.searchParams.get('sort')).toBe('createdAt');
      expect(url.searchParams.get('direction')).toBe('1');
      expect(url.searchParams.get('cursor')).toEqual(expect.any(String));
    });

    it('should keep every parameter, repeated and bracketed ones included, in the next link', async () => {
      const response = await request(hub.url)
        .get('/api/models?limit=1&filter=nlp&search=-&expand=likes&expand[]=tags&sort=likes')
        .expect(200);
      expect(response.body).toEqual([
        { _id: expect.any(String), id: 'bob/b-one', likes: 2, tags: ['nlp', 'license:apache-2.0'] },
      ]);
      const url = new URL(LINK.exec(response.headers.link)?.[1] ?? '');
      expect(url.searchParams.getAll('expand')).toEqual(['likes']);
      expect(url.searchParams.getAll('expand[]')).toEqual(['tags']);
      expect(url.searchParams.getAll('filter')).toEqual(['nlp']);
      const second = await request(hub.url).get(`${url.pathname}${url.search}`).expect(200);
      expect(ids(second.body as Item[])).toEqual(['alice/m-alpha']);
      expect(second.headers.link).toBeUndefined();
    });

    it('should cap limit at the page size and not link past the last page', async () => {
      const capped = await request(hub.url).get('/api/models?limit=100000&sort=createdAt').expect(200);
      expect(capped.body).toHaveLength(PAGE_SIZE);
      const exact = await request(hub.url).get('/api/models?limit=2&author=bob').expect(200);
      expect(ids(exact.body as Item[]).sort()).toEqual(['bob/b-one', 'bob/b-two']);
      expect(exact.headers.link).toBeUndefined();
    });
  });

  describe('sorting', () => {
    it.each([
      ['downloads', ['acme/org-public', 'alice/m-alpha', 'bob/b-one', 'alice/m-gamma', 'alice/m-beta', 'bob/b-two']],
      ['likes', ['alice/m-beta', 'bob/b-two', 'alice/m-gamma', 'bob/b-one', 'alice/m-alpha', 'acme/org-public']],
      ['trending', ['bob/b-one', 'alice/m-alpha', 'alice/m-gamma', 'alice/m-beta', 'acme/org-public', 'bob/b-two']],
      [
        'trendingScore',
        ['bob/b-one', 'alice/m-alpha', 'alice/m-gamma', 'alice/m-beta', 'acme/org-public', 'bob/b-two'],
      ],
      ['createdAt', [...publicModels].reverse()],
    ])('should sort by %s, largest first, ties newest first, across pages', async (sort, expected) => {
      const { items } = await listAll(`/api/models?sort=${sort}`);
      expect(ids(items)).toEqual(expected);
      const ascending = await listAll(`/api/models?sort=${sort}&direction=asc`);
      expect(ids(ascending.items)).toEqual([...expected].reverse());
    });

    it('should sort by the date of the last commit on the default branch', async () => {
      const { items } = await listAll('/api/models?sort=lastModified');
      expect(items[0].id).toBe('alice/m-gamma');
      const git = await openGit(hub, 'alice/m-gamma');
      expect(items[0].lastModified).toBe(
        new Date(Number(gitIn(git, ['log', '-1', '--format=%ct', 'main']).trim()) * 1000).toISOString(),
      );
      const dates = items.map((item) => Date.parse(item.lastModified as string));
      expect(dates).toEqual([...dates].sort((a, b) => b - a));
      const ascending = await listAll('/api/models?sort=last_modified&direction=1');
      expect(ids(ascending.items)).toEqual(ids(items).reverse());
    });
  });

  describe('filters', () => {
    it.each([
      ['author=alice', ['alice/m-alpha', 'alice/m-beta', 'alice/m-gamma']],
      ['author=ALICE', ['alice/m-alpha', 'alice/m-beta', 'alice/m-gamma']],
      ['author=nobody', []],
      ['search=ALP', ['alice/m-alpha']],
      ['search=bob/', ['bob/b-one', 'bob/b-two']],
      ['search=m-&search=a', ['alice/m-alpha', 'alice/m-beta', 'alice/m-gamma']],
      ['search=%25', []],
      ['filter=nlp', ['alice/m-alpha', 'bob/b-one']],
      ['filter=nlp&filter=license:mit', ['alice/m-alpha']],
      ['filter=license:apache-2.0', ['alice/m-beta', 'bob/b-one']],
      ['filter=transformers', ['alice/m-alpha']],
      ['filter=text-classification&author=alice', ['alice/m-alpha']],
      ['pipeline_tag=image-classification', ['alice/m-beta']],
      ['gated=true', ['bob/b-two']],
      ['gated=False&author=bob', ['bob/b-one']],
    ])('should filter with %s', async (query, expected) => {
      const { items } = await listAll(`/api/models?${query}&sort=createdAt&direction=1`);
      expect(ids(items)).toEqual(expected);
    });

    it('should keep repository types apart', async () => {
      const datasets = await listAll('/api/datasets');
      expect(datasets.items).toEqual([
        {
          _id: expect.any(String),
          id: 'alice/d-one',
          author: 'alice',
          lastModified: expect.any(String),
          createdAt: expect.any(String),
          private: false,
          gated: false,
          disabled: false,
          downloads: 0,
          likes: 0,
          trendingScore: 0,
          tags: ['language:en', 'license:mit'],
        },
      ]);
      const spaces = await listAll('/api/spaces');
      expect(spaces.items).toEqual([
        {
          _id: expect.any(String),
          id: 'alice/s-one',
          author: 'alice',
          lastModified: expect.any(String),
          createdAt: expect.any(String),
          private: false,
          gated: false,
          disabled: false,
          likes: 0,
          trendingScore: 0,
          tags: ['docker'],
          sdk: 'docker',
        },
      ]);
      expect(ids((await listAll('/api/datasets?filter=language:en')).items)).toEqual(['alice/d-one']);
    });
  });

  describe('privacy', () => {
    it('should list private repositories only to those who may read them', async () => {
      const everyone = publicModels;
      const cases: [TestAccount | Writer | undefined, string[]][] = [
        [undefined, everyone],
        [bob, everyone],
        [alice, [...everyone, 'alice/m-private', 'acme/org-private']],
        [carol, [...everyone, 'acme/org-private']],
        [admin, [...everyone, 'alice/m-private', 'acme/org-private']],
      ];
      for (const [caller, expected] of cases) {
        const { items } = await listAll('/api/models?sort=createdAt&direction=1', { token: caller?.token });
        expect(ids(items).sort()).toEqual([...expected].sort());
      }
      const own = await listAll('/api/models?author=alice&expand=private', { token: alice.token });
      expect(own.items.find((item) => item.id === 'alice/m-private')?.private).toBe(true);
    });

    it('should refuse an invalid token instead of listing anonymously', async () => {
      const response = await request(hub.url)
        .get('/api/models')
        .set('Authorization', 'Bearer hf_not_a_real_token_000000000000000000')
        .expect(401);
      expect(response.headers['x-error-code']).toBe('Unauthorized');
    });
  });

  describe('fields', () => {
    it('should answer the default item fields, from the index', async () => {
      const { items } = await listAll('/api/models?author=alice&sort=createdAt&direction=1');
      expect(items[0]).toEqual({
        _id: expect.any(String),
        id: 'alice/m-alpha',
        modelId: 'alice/m-alpha',
        author: 'alice',
        lastModified: expect.stringMatching(/Z$/),
        createdAt: expect.stringMatching(/Z$/),
        private: false,
        gated: false,
        disabled: false,
        downloads: 50,
        likes: 1,
        trendingScore: 7,
        tags: ['transformers', 'nlp', 'text-classification', 'license:mit'],
        pipeline_tag: 'text-classification',
        library_name: 'transformers',
      });
      const info = await request(hub.url).get('/api/models/alice/m-alpha?expand=tags&expand=lastModified').expect(200);
      expect(info.body.tags).toEqual(items[0].tags);
      expect(info.body.lastModified).toBe(items[0].lastModified);
    });

    it('should add sha, siblings and cardData with full=true, and cardData alone with cardData=true', async () => {
      const git = await openGit(hub, 'alice/m-alpha');
      const full = await request(hub.url).get('/api/models?author=alice&search=alpha&full=true').expect(200);
      expect(full.body[0]).toMatchObject({
        id: 'alice/m-alpha',
        sha: revParse(git, 'main'),
        siblings: [{ rfilename: '.gitattributes' }, { rfilename: 'README.md' }],
        cardData: { license: 'mit', library_name: 'transformers', pipeline_tag: 'text-classification', tags: ['nlp'] },
      });
      const fresh = await request(hub.url).get('/api/models?author=bob&search=two&full=True').expect(200);
      expect(fresh.body[0]).toMatchObject({
        id: 'bob/b-two',
        sha: revParse(await openGit(hub, 'bob/b-two'), 'main'),
        siblings: [{ rfilename: '.gitattributes' }],
      });
      const withCard = await request(hub.url).get('/api/models?search=alpha&cardData=true').expect(200);
      expect(withCard.body[0].cardData).toEqual(full.body[0].cardData);
      expect(withCard.body[0]).not.toHaveProperty('siblings');
      const expanded = await request(hub.url).get('/api/models?search=alpha&expand=sha').expect(200);
      expect(expanded.body).toEqual([{ _id: expect.any(String), id: 'alice/m-alpha', sha: revParse(git, 'main') }]);
    });
  });

  describe('bad input', () => {
    it.each([
      'sort=bogus',
      'sort=id',
      'direction=up',
      'limit=0',
      'limit=-1',
      'limit=abc',
      'limit=1.5',
      'expand=foo',
      'expand=sdk',
      'full=maybe',
      'gated=perhaps',
      'cursor=not-a-cursor',
      `cursor=${Buffer.from('{"s":"likes","a":false,"v":1,"i":3}').toString('base64url')}`,
      `cursor=${Buffer.from('[1,2]').toString('base64url')}`,
    ])('should answer 400 with an error code for %s', async (query) => {
      const response = await request(hub.url).get(`/api/models?${query}`).expect(400);
      expect(response.headers['x-error-code']).toBe('BadRequest');
      expect(response.headers['x-error-message']).toEqual(expect.any(String));
      expect(response.body.error).toBe(response.headers['x-error-message']);
    });

    it('should refuse the cursor of one sort order in another', async () => {
      const first = await request(hub.url).get('/api/models?sort=downloads').expect(200);
      const url = new URL(LINK.exec(first.headers.link)?.[1] ?? '');
      const cursor = url.searchParams.get('cursor') ?? '';
      await request(hub.url).get(`/api/models?sort=likes&cursor=${cursor}`).expect(400);
      await request(hub.url).get(`/api/models?sort=downloads&direction=1&cursor=${cursor}`).expect(400);
      const followed = await request(hub.url).get(`/api/models?sort=downloads&cursor=${cursor}`).expect(200);
      expect(ids(followed.body as Item[])).toEqual(['alice/m-gamma', 'alice/m-beta', 'bob/b-two']);
    });
  });

  describe('GET /api/users/{username}/repos', () => {
    it("should group a namespace's repositories by type, newest first", async () => {
      const response = await request(hub.url).get('/api/users/alice/repos').expect(200);
      expect(Object.keys(response.body as object)).toEqual(['models', 'datasets', 'spaces']);
      expect(ids(response.body.models as Item[])).toEqual(['alice/m-gamma', 'alice/m-beta', 'alice/m-alpha']);
      expect(ids(response.body.datasets as Item[])).toEqual(['alice/d-one']);
      expect(ids(response.body.spaces as Item[])).toEqual(['alice/s-one']);
      expect(response.body.spaces[0].sdk).toBe('docker');
    });

    it('should show private repositories only to those who may read them, and sort and limit per type', async () => {
      const own = await request(hub.url).get('/api/users/alice/repos').set(bearer(alice.token)).expect(200);
      expect(ids(own.body.models as Item[])).toContain('alice/m-private');
      const org = await request(hub.url).get('/api/users/acme/repos').expect(200);
      expect(ids(org.body.models as Item[])).toEqual(['acme/org-public']);
      const member = await request(hub.url).get('/api/users/acme/repos').set(bearer(carol.token)).expect(200);
      expect(ids(member.body.models as Item[])).toEqual(['acme/org-public', 'acme/org-private']);
      const sorted = await request(hub.url).get('/api/users/alice/repos?sort=downloads&limit=2').expect(200);
      expect(ids(sorted.body.models as Item[])).toEqual(['alice/m-alpha', 'alice/m-gamma']);
    });

    it('should answer 404 for an unknown namespace and 400 for a bad sort', async () => {
      const missing = await request(hub.url).get('/api/users/nobody/repos').expect(404);
      expect(missing.headers['x-error-code']).toBe('NotFound');
      const bad = await request(hub.url).get('/api/users/alice/repos?sort=bogus').expect(400);
      expect(bad.headers['x-error-code']).toBe('BadRequest');
    });
  });

  describe('the card index', () => {
    it('should be repaired by repo info when the default branch moved without it (another writer, a crash)', async () => {
      await createRepo(hub, alice.token, 'moved-outside');
      await commitLines(
        hub,
        alice.token,
        'alice/moved-outside',
        [header('on a branch'), fileLine('README.md', card(['tags: [outside]']))],
        { query: 'create_pr=1' },
      ).expect(200);
      const git = await openGit(hub, 'alice/moved-outside');
      gitIn(git, ['update-ref', 'refs/heads/main', revParse(git, 'refs/pr/1')]);
      const stale = await request(hub.url).get('/api/models?filter=outside').expect(200);
      expect(stale.body).toEqual([]);
      await request(hub.url).get('/api/models/alice/moved-outside').expect(200);
      const repaired = await request(hub.url).get('/api/models?filter=outside&full=true').expect(200);
      expect(repaired.body).toMatchObject([
        { id: 'alice/moved-outside', sha: revParse(git, 'main'), tags: ['outside'] },
      ]);
    });
  });
});
