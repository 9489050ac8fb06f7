import { listDatasets, listModels, listSpaces } from '@huggingface/hub';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { RepoRepository } from 'src/repo/repo.repository';
import { RepoService } from 'src/repo/repo.service';
import { runPython } from 'test/utils/python';
import { createTestHub, TestHub } from 'test/utils/test-hub';
import {
  ACCOUNT_TEST_ENV,
  commitLines,
  createRepo,
  fileLine,
  header,
  newWriter,
  openGit,
  revParse,
  Writer,
} from 'test/e2e/commit-helpers';

/** Small pages, so that every listing below spans several of them. */
const PAGE_SIZE = 2;

/**
 * Listings through the real clients, across pages: huggingface_hub 2.0.0 (`list_models`,
 * `list_datasets`, `list_spaces`) and @huggingface/hub (`listModels`, `listDatasets`, `listSpaces`).
 */
describe('listings with the real clients', () => {
  let hub: TestHub;
  let alice: Writer;
  let bob: Writer;
  let workDir: string;
  /** alice's public models, oldest first. */
  const aliceModels = ['alice/ml-1', 'alice/ml-2', 'alice/ml-3', 'alice/ml-4', 'alice/ml-5', 'alice/other'];

  beforeAll(async () => {
    hub = await createTestHub({ env: { ...ACCOUNT_TEST_ENV, KOHAKU_HUB_LIST_MAX_PAGE_SIZE: String(PAGE_SIZE) } });
    alice = await newWriter(hub, 'alice');
    bob = await newWriter(hub, 'bob');
    workDir = mkdtempSync(join(tmpdir(), 'kohaku-listing-clients-'));
    for (const [index, repoId] of aliceModels.entries()) {
      const name = repoId.split('/')[1];
      await createRepo(hub, alice.token, name);
      const tags = index % 2 === 0 ? '[nlp, shared]' : '[vision, shared]';
      await commitLines(hub, alice.token, repoId, [
        header('card'),
        fileLine('README.md', `---\nlicense: mit\ntags: ${tags}\n---\n`),
      ]).expect(200);
      const repo = await hub.app.get(RepoService).findRepo('model', 'alice', name);
      await hub.app.get(RepoRepository).update(repo.id, { downloads: (index * 7) % 5, likes: index });
    }
    await createRepo(hub, alice.token, 'ml-private', { isPrivate: true });
    await createRepo(hub, bob.token, 'ml-bob');
    for (const name of ['data-1', 'data-2', 'data-3']) {
      await createRepo(hub, alice.token, name, { type: 'dataset' });
    }
    for (const name of ['space-1', 'space-2', 'space-3']) {
      await createRepo(hub, alice.token, name, { type: 'space' });
    }
  });

  afterAll(async () => {
    await hub.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  async function python(body: string, token?: string): Promise<Record<string, unknown>> {
    const script = [
      'import json',
      'from huggingface_hub import HfApi',
      'api = HfApi()',
      'out = {}',
      body,
      'print(json.dumps(out))',
    ].join('\n');
    const result = await runPython(
      script,
      {
        HF_ENDPOINT: hub.url,
        ...(token === undefined ? {} : { HF_TOKEN: token }),
        HF_HOME: join(workDir, 'hf-home'),
        HF_HUB_DISABLE_XET: '1',
        HF_HUB_DISABLE_TELEMETRY: '1',
      },
      120_000,
    );
    if (result.exitCode !== 0) {
      throw new Error(`Python failed (${result.exitCode}):\n${result.stderr}`);
    }
    return JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
  }

  /** Repository ids sorted by downloads, then likes-free tie break newest first, as the hub orders them. */
  function byDownloads(): string[] {
    return aliceModels
      .map((id, index) => ({ id, index, downloads: (index * 7) % 5 }))
      .sort((a, b) => b.downloads - a.downloads || b.index - a.index)
      .map((entry) => entry.id);
  }

  describe('huggingface_hub', () => {
    it('should list every model of an author across pages, private ones only with the owner token', async () => {
      const script = `
out["all"] = [m.id for m in api.list_models(author="alice", sort="created_at")]
out["limited"] = [m.id for m in api.list_models(author="alice", limit=3, sort="created_at")]
`;
      const anonymous = await python(script);
      expect(anonymous).toEqual({
        all: [...aliceModels].reverse(),
        limited: [...aliceModels].reverse().slice(0, 3),
      });
      const own = await python(script, alice.token);
      expect(own.all).toEqual(['alice/ml-private', ...[...aliceModels].reverse()]);
      const stranger = await python(script, bob.token);
      expect(stranger.all).toEqual([...aliceModels].reverse());
    });

    it('should combine search, filter and sort, and parse the items into ModelInfo', async () => {
      const out = await python(`
out["search"] = sorted(m.id for m in api.list_models(search="ml-", author="alice"))
out["filter"] = [m.id for m in api.list_models(filter="nlp", author="alice", sort="likes")]
out["filters"] = [m.id for m in api.list_models(filter=["vision", "shared"], sort="likes")]
out["downloads"] = [m.id for m in api.list_models(author="alice", sort="downloads")]
out["last_modified"] = [m.id for m in api.list_models(author="alice", sort="last_modified", limit=1)]
items = list(api.list_models(author="alice", search="ml-1", full=True))
out["full"] = [[m.id, m.sha, [s.rfilename for s in m.siblings], m.tags, m.created_at.tzname(), m.last_modified.tzname()] for m in items]
out["card"] = [m.card_data.license for m in api.list_models(author="alice", search="ml-2", cardData=True)]
out["expand"] = [[m.id, m.likes, m.downloads] for m in api.list_models(author="alice", search="other", expand=["likes"])]
`);
      expect(out).toEqual({
        search: ['alice/ml-1', 'alice/ml-2', 'alice/ml-3', 'alice/ml-4', 'alice/ml-5'],
        filter: ['alice/ml-5', 'alice/ml-3', 'alice/ml-1'],
        filters: ['alice/other', 'alice/ml-4', 'alice/ml-2'],
        downloads: byDownloads(),
        last_modified: [expect.any(String)],
        full: [
          [
            'alice/ml-1',
            revParse(await openGit(hub, 'alice/ml-1'), 'main'),
            ['.gitattributes', 'README.md'],
            ['nlp', 'shared', 'license:mit'],
            'UTC',
            'UTC',
          ],
        ],
        card: ['mit'],
        expand: [['alice/other', 5, null]],
      });
    });

    it('should list datasets and spaces across pages', async () => {
      const out = await python(`
out["datasets"] = [d.id for d in api.list_datasets(author="alice", sort="created_at")]
out["spaces"] = [[s.id, s.sdk] for s in api.list_spaces(author="alice", sort="created_at")]
`);
      expect(out).toEqual({
        datasets: ['alice/data-3', 'alice/data-2', 'alice/data-1'],
        spaces: [
          ['alice/space-3', 'static'],
          ['alice/space-2', 'static'],
          ['alice/space-1', 'static'],
        ],
      });
    });
  });

  describe('@huggingface/hub', () => {
    it('should list models across pages with the fields it maps, and stop at its limit', async () => {
      const pages: string[] = [];
      const countingFetch: typeof fetch = (input, init) => {
        pages.push(input instanceof Request ? input.url : input.toString());
        return fetch(input, init);
      };
      const all = [];
      for await (const model of listModels({
        search: { owner: 'alice' },
        hubUrl: hub.url,
        sort: 'createdAt',
        additionalFields: ['sha', 'tags'],
        fetch: countingFetch,
      })) {
        all.push(model);
      }
      expect(all.map((model) => model.name)).toEqual([...aliceModels].reverse());
      expect(pages).toHaveLength(Math.ceil(aliceModels.length / PAGE_SIZE));
      expect(pages.slice(1).every((url) => url.startsWith(`${hub.url}/api/models?`))).toBe(true);
      const first = all[all.length - 1];
      expect(first).toEqual({
        id: expect.any(String),
        name: 'alice/ml-1',
        private: false,
        task: undefined,
        downloads: 0,
        gated: false,
        likes: 0,
        updatedAt: expect.any(Date),
        sha: revParse(await openGit(hub, 'alice/ml-1'), 'main'),
        tags: ['nlp', 'shared', 'license:mit'],
      });
      expect(Number.isNaN(first.updatedAt.getTime())).toBe(false);

      const limited = [];
      for await (const model of listModels({
        search: { owner: 'alice', tags: ['vision'] },
        hubUrl: hub.url,
        limit: 2,
      })) {
        limited.push(model.name);
      }
      expect(limited).toHaveLength(2);
      expect(limited.every((name) => ['alice/ml-2', 'alice/ml-4', 'alice/other'].includes(name))).toBe(true);

      const own = [];
      for await (const model of listModels({
        search: { owner: 'alice', query: 'private' },
        hubUrl: hub.url,
        accessToken: alice.token,
      })) {
        own.push([model.name, model.private]);
      }
      expect(own).toEqual([['alice/ml-private', true]]);
    });

    it('should list datasets and spaces across pages', async () => {
      const datasets = [];
      for await (const dataset of listDatasets({ search: { owner: 'alice' }, hubUrl: hub.url })) {
        datasets.push(dataset.name);
      }
      expect(datasets.sort()).toEqual(['alice/data-1', 'alice/data-2', 'alice/data-3']);
      const spaces = [];
      for await (const space of listSpaces({ search: { owner: 'alice' }, hubUrl: hub.url })) {
        spaces.push([space.name, space.sdk]);
      }
      expect(spaces.sort()).toEqual([
        ['alice/space-1', 'static'],
        ['alice/space-2', 'static'],
        ['alice/space-3', 'static'],
      ]);
      const response = await request(hub.url).get('/api/spaces?author=alice').expect(200);
      expect(response.headers.link).toMatch(
        /^<http:\/\/127\.0\.0\.1:\d+\/api\/spaces\?author=alice&cursor=[\w-]+>; rel="next"$/,
      );
    });
  });
});
