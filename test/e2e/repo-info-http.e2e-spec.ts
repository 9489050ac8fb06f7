import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { RepoRepository } from 'src/repo/repo.repository';
import { RepoService } from 'src/repo/repo.service';
import { RepoType } from 'src/repo/repo-types';
import { addMember, createOrg } from 'test/utils/accounts';
import { createTestHub, TestHub } from 'test/utils/test-hub';
import {
  ACCOUNT_TEST_ENV,
  bearer,
  commitLines,
  createRepo,
  fileLine,
  gitIn,
  header,
  lfsFileLine,
  newWriter,
  openGit,
  revParse,
  sha256Hex,
  uploadLfsObject,
  Writer,
} from 'test/e2e/commit-helpers';

const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const MODEL_README = [
  '---',
  'license: mit',
  'library_name: transformers',
  'pipeline_tag: text-classification',
  'language:',
  '  - en',
  '  - fr',
  'datasets:',
  '  - alice/reviews',
  'tags:',
  '  - sentiment',
  '  - transformers',
  'model-index:',
  '  - name: card-model',
  '    results: []',
  'widget:',
  '  - text: I love it',
  '---',
  '# Card model',
  '',
  'Classifies reviews.',
  '',
].join('\n');

const DATASET_README = [
  '---',
  'license: cc-by-4.0',
  'task_categories:',
  '  - text-classification',
  'language:',
  '  - en',
  'size_categories:',
  '  - 1K<n<10K',
  'paperswithcode_id: reviews-corpus',
  'pretty_name: Reviews',
  'tags: [reviews]',
  '---',
  '# Reviews',
  '',
  '![banner](banner.png)',
  '',
  'A corpus of short product reviews',
  'written in English.',
  '',
  '## Citation',
  '',
  '```bibtex',
  '@misc{reviews, title={Reviews}}',
  '```',
  '',
].join('\n');

const SPACE_README = [
  '---',
  'title: Demo',
  'sdk: gradio',
  'license: apache-2.0',
  'models:',
  '  - alice/card-model',
  'datasets: alice/reviews',
  'tags: [demo]',
  '---',
  'A demo.',
  '',
].join('\n');

/** HTTP-level tests of `GET /api/{type}s/{id}` and `…/revision/{rev}`: every field, revisions, expand, errors, privacy. */
describe('repo info over HTTP', () => {
  let hub: TestHub;
  let alice: Writer;
  let bob: Writer;
  let carol: Writer;
  let weights: Buffer;

  beforeAll(async () => {
    hub = await createTestHub({ env: ACCOUNT_TEST_ENV });
    alice = await newWriter(hub, 'alice');
    bob = await newWriter(hub, 'bob');
    carol = await newWriter(hub, 'carol');

    await createRepo(hub, alice.token, 'card-model');
    await commitLines(hub, alice.token, 'alice/card-model', [header('first'), fileLine('first.txt', '1')]).expect(200);
    weights = randomBytes(4096);
    const object = await uploadLfsObject(hub, alice.token, 'alice/card-model', weights);
    await commitLines(hub, alice.token, 'alice/card-model', [
      header('card'),
      fileLine('README.md', MODEL_README),
      fileLine('config.json', '{"hidden": 8}\n'),
      fileLine('nested/dir/notes é.txt', 'notes\n'),
      lfsFileLine('model.safetensors', object),
      lfsFileLine('copy/model.safetensors', object),
    ]).expect(200);

    await createRepo(hub, alice.token, 'reviews', { type: 'dataset' });
    await commitLines(hub, alice.token, 'alice/reviews', [header('card'), fileLine('README.md', DATASET_README)], {
      type: 'dataset',
    }).expect(200);

    await createRepo(hub, alice.token, 'demo', { type: 'space' });
    await commitLines(hub, alice.token, 'alice/demo', [header('card'), fileLine('README.md', SPACE_README)], {
      type: 'space',
    }).expect(200);

    await createRepo(hub, alice.token, 'secret', { isPrivate: true });
    await createOrg(hub, alice.account, 'acme');
    await addMember(hub, alice.account, 'acme', 'carol', 'read');
    await request(hub.url)
      .post('/api/repos/create')
      .set(bearer(alice.token))
      .send({ name: 'internal', organization: 'acme', private: true })
      .expect(200);
  });

  afterAll(async () => {
    await hub.close();
  });

  async function storageIdOf(repoId: string, type: RepoType = 'model'): Promise<string> {
    const [namespace, name] = repoId.split('/');
    return (await hub.app.get(RepoService).findRepo(type, namespace, name)).storageId;
  }

  describe('a model', () => {
    it('should answer every default field, with the card folded into tags, pipeline_tag and library_name', async () => {
      const git = await openGit(hub, 'alice/card-model');
      const head = revParse(git, 'main');
      const committedAt = Number(gitIn(git, ['log', '-1', '--format=%ct', 'main']).trim());
      const response = await request(hub.url).get('/api/models/alice/card-model').expect(200);
      const body = response.body as Record<string, unknown>;
      expect(Object.keys(body).slice(0, 2)).toEqual(['_id', 'id']);
      expect(body).toEqual({
        _id: await storageIdOf('alice/card-model'),
        id: 'alice/card-model',
        modelId: 'alice/card-model',
        author: 'alice',
        sha: head,
        lastModified: new Date(committedAt * 1000).toISOString(),
        createdAt: expect.stringMatching(ISO_Z),
        private: false,
        gated: false,
        disabled: false,
        downloads: 0,
        likes: 0,
        library_name: 'transformers',
        pipeline_tag: 'text-classification',
        tags: ['transformers', 'sentiment', 'text-classification', 'en', 'fr', 'dataset:alice/reviews', 'license:mit'],
        cardData: {
          license: 'mit',
          library_name: 'transformers',
          pipeline_tag: 'text-classification',
          language: ['en', 'fr'],
          datasets: ['alice/reviews'],
          tags: ['sentiment', 'transformers'],
          'model-index': [{ name: 'card-model', results: [] }],
          widget: [{ text: 'I love it' }],
        },
        'model-index': [{ name: 'card-model', results: [] }],
        widgetData: [{ text: 'I love it' }],
        siblings: [
          { rfilename: '.gitattributes' },
          { rfilename: 'README.md' },
          { rfilename: 'config.json' },
          { rfilename: 'copy/model.safetensors' },
          { rfilename: 'first.txt' },
          { rfilename: 'model.safetensors' },
          { rfilename: 'nested/dir/notes é.txt' },
        ],
        usedStorage: expect.any(Number),
      });
      expect(Date.parse(body.createdAt as string)).toBeLessThanOrEqual(Date.parse(body.lastModified as string));
    });

    it('should give sizes, blob ids and LFS details of siblings with blobs=true, and count storage once per object', async () => {
      const git = await openGit(hub, 'alice/card-model');
      const blobIds = Object.fromEntries(
        gitIn(git, ['ls-tree', '-r', '-l', '-z', 'main'])
          .split('\0')
          .filter((line) => line !== '')
          .map((line) => {
            const [meta, path] = line.split('\t');
            const [, , sha, size] = meta.split(/\s+/);
            return [path, { sha, size: Number(size) }];
          }),
      );
      for (const spelling of ['true', 'True', '1']) {
        const response = await request(hub.url).get(`/api/models/alice/card-model?blobs=${spelling}`).expect(200);
        const siblings = response.body.siblings as Record<string, unknown>[];
        const lfs = {
          sha256: sha256Hex(weights),
          size: weights.length,
          pointerSize: blobIds['model.safetensors'].size,
        };
        expect(siblings).toEqual([
          { rfilename: '.gitattributes', size: blobIds['.gitattributes'].size, blobId: blobIds['.gitattributes'].sha },
          { rfilename: 'README.md', size: Buffer.byteLength(MODEL_README), blobId: blobIds['README.md'].sha },
          { rfilename: 'config.json', size: 14, blobId: blobIds['config.json'].sha },
          { rfilename: 'copy/model.safetensors', size: weights.length, blobId: blobIds['model.safetensors'].sha, lfs },
          { rfilename: 'first.txt', size: 1, blobId: blobIds['first.txt'].sha },
          { rfilename: 'model.safetensors', size: weights.length, blobId: blobIds['model.safetensors'].sha, lfs },
          { rfilename: 'nested/dir/notes é.txt', size: 6, blobId: blobIds['nested/dir/notes é.txt'].sha },
        ]);
        const regular = ['.gitattributes', 'README.md', 'config.json', 'first.txt', 'nested/dir/notes é.txt'];
        expect(response.body.usedStorage).toBe(
          regular.reduce((total, path) => total + blobIds[path].size, 0) + weights.length,
        );
      }
    });

    it('should answer revisions: branch, tag, full and short commit id, refs/pr/N (encoded or raw) and HEAD', async () => {
      const git = await openGit(hub, 'alice/card-model');
      const first = revParse(git, 'main~1');
      const head = revParse(git, 'main');
      gitIn(git, ['tag', 'v1', first]);
      gitIn(git, ['tag', '-a', '-m', 'annotated', 'v2', head]);
      gitIn(git, ['update-ref', 'refs/pr/1', first]);
      gitIn(git, ['update-ref', 'refs/heads/feat/x', first]);
      const cases: [string, string][] = [
        ['main', head],
        ['v1', first],
        ['v2', head],
        [first, first],
        [first.slice(0, 7), first],
        [encodeURIComponent('refs/pr/1'), first],
        ['refs/pr/1', first],
        [encodeURIComponent('feat/x'), first],
        ['HEAD', head],
      ];
      for (const [revision, sha] of cases) {
        const response = await request(hub.url).get(`/api/models/alice/card-model/revision/${revision}`).expect(200);
        expect([revision, response.body.sha]).toEqual([revision, sha]);
      }
    });

    it('should describe the revision asked for: its files, its card and the date of its commit', async () => {
      const git = await openGit(hub, 'alice/card-model');
      const first = revParse(git, 'main~1');
      const response = await request(hub.url).get(`/api/models/alice/card-model/revision/${first}`).expect(200);
      expect(response.body).toMatchObject({
        sha: first,
        lastModified: new Date(Number(gitIn(git, ['log', '-1', '--format=%ct', first]).trim()) * 1000).toISOString(),
        tags: [],
        siblings: [{ rfilename: '.gitattributes' }, { rfilename: 'first.txt' }],
      });
      expect(response.body).not.toHaveProperty('cardData');
      expect(response.body).not.toHaveProperty('pipeline_tag');
    });

    it('should answer only the expanded properties (plus _id and id), whatever the list spelling', async () => {
      const storageId = await storageIdOf('alice/card-model');
      const head = revParse(await openGit(hub, 'alice/card-model'), 'main');
      const repeated = await request(hub.url).get('/api/models/alice/card-model?expand=sha&expand=private').expect(200);
      expect(repeated.body).toEqual({ _id: storageId, id: 'alice/card-model', sha: head, private: false });
      const bracket = await request(hub.url).get('/api/models/alice/card-model?expand[]=likes').expect(200);
      expect(bracket.body).toEqual({ _id: storageId, id: 'alice/card-model', likes: 0 });
      const js = await request(hub.url)
        .get(
          '/api/models/alice/card-model/revision/HEAD?expand=pipeline_tag&expand=private&expand=gated&expand=downloads' +
            '&expand=likes&expand=lastModified&expand=downloadsAllTime&expand=safetensors',
        )
        .expect(200);
      expect(js.body).toEqual({
        _id: storageId,
        id: 'alice/card-model',
        pipeline_tag: 'text-classification',
        private: false,
        gated: false,
        downloads: 0,
        likes: 0,
        lastModified: expect.stringMatching(ISO_Z),
        downloadsAllTime: 0,
      });
    });

    it('should refuse unknown expand properties, and those of another repository type, with a 400', async () => {
      for (const query of ['expand=foo', 'expand=sha&expand=foo', 'expand[]=sdk', 'expand=description']) {
        const response = await request(hub.url).get(`/api/models/alice/card-model?${query}`).expect(400);
        expect(response.headers['x-error-code']).toBe('BadRequest');
        expect(response.headers['x-error-message']).toMatch(/^Invalid expand value/);
        expect(response.body.error).toBe(response.headers['x-error-message']);
      }
      const dataset = await request(hub.url).get('/api/datasets/alice/reviews?expand=pipeline_tag').expect(400);
      expect(dataset.headers['x-error-message']).toContain('"pipeline_tag"');
      const badFlag = await request(hub.url).get('/api/models/alice/card-model?blobs=maybe').expect(400);
      expect(badFlag.headers['x-error-code']).toBe('BadRequest');
    });

    it('should report settings: gated mode and disabled', async () => {
      await createRepo(hub, alice.token, 'gated');
      await request(hub.url)
        .put('/api/models/alice/gated/settings')
        .set(bearer(alice.token))
        .send({ gated: 'manual' })
        .expect(200);
      const [namespace, name] = ['alice', 'gated'];
      const repo = await hub.app.get(RepoService).findRepo('model', namespace, name);
      await hub.app.get(RepoRepository).update(repo.id, { isDisabled: true });
      const response = await request(hub.url).get('/api/models/alice/gated?expand=gated&expand=disabled').expect(200);
      expect(response.body).toMatchObject({ gated: 'manual', disabled: true });
    });
  });

  describe('datasets and spaces', () => {
    it('should answer a dataset with its card tags, description, citation and paperswithcode id', async () => {
      const response = await request(hub.url).get('/api/datasets/alice/reviews').expect(200);
      expect(response.body).toEqual({
        _id: await storageIdOf('alice/reviews', 'dataset'),
        id: 'alice/reviews',
        author: 'alice',
        sha: revParse(await openGit(hub, 'alice/reviews', 'dataset'), 'main'),
        lastModified: expect.stringMatching(ISO_Z),
        createdAt: expect.stringMatching(ISO_Z),
        private: false,
        gated: false,
        disabled: false,
        downloads: 0,
        likes: 0,
        tags: [
          'reviews',
          'task_categories:text-classification',
          'language:en',
          'size_categories:1K<n<10K',
          'license:cc-by-4.0',
        ],
        cardData: {
          license: 'cc-by-4.0',
          task_categories: ['text-classification'],
          language: ['en'],
          size_categories: ['1K<n<10K'],
          paperswithcode_id: 'reviews-corpus',
          pretty_name: 'Reviews',
          tags: ['reviews'],
        },
        description: 'A corpus of short product reviews written in English.',
        citation: '@misc{reviews, title={Reviews}}',
        paperswithcode_id: 'reviews-corpus',
        siblings: [{ rfilename: '.gitattributes' }, { rfilename: 'README.md' }],
        usedStorage: expect.any(Number),
      });
    });

    it('should answer a space with its SDK, the models and datasets of its card, and no download count', async () => {
      const response = await request(hub.url).get('/api/spaces/alice/demo').expect(200);
      expect(response.body).toMatchObject({
        id: 'alice/demo',
        sdk: 'gradio',
        models: ['alice/card-model'],
        datasets: ['alice/reviews'],
        tags: ['gradio', 'demo', 'license:apache-2.0'],
      });
      expect(response.body).not.toHaveProperty('downloads');
      expect(response.body).not.toHaveProperty('modelId');
      await createRepo(hub, alice.token, 'bare-space', { type: 'space' });
      const bare = await request(hub.url).get('/api/spaces/alice/bare-space?expand=sdk&expand=tags').expect(200);
      expect(bare.body).toMatchObject({ sdk: 'static', tags: ['static'] });
    });

    it('should keep repository types apart: a model id under /api/datasets is not found', async () => {
      const anonymous = await request(hub.url).get('/api/datasets/alice/card-model').expect(401);
      expect(anonymous.headers['x-error-code']).toBe('RepoNotFound');
      const signedIn = await request(hub.url).get('/api/datasets/alice/card-model').set(bearer(bob.token)).expect(404);
      expect(signedIn.headers['x-error-code']).toBe('RepoNotFound');
    });
  });

  describe('errors and privacy', () => {
    it('should answer RevisionNotFound for revisions that do not exist or cannot be one', async () => {
      for (const revision of [
        'nope',
        'a'.repeat(40),
        encodeURIComponent('refs/pr/99'),
        'main~1',
        '-x',
        'refs%2Fheads%2F..',
      ]) {
        const response = await request(hub.url).get(`/api/models/alice/card-model/revision/${revision}`);
        expect([revision, response.status, response.headers['x-error-code']]).toEqual([
          revision,
          404,
          'RevisionNotFound',
        ]);
      }
    });

    it('should answer a private repository to outsiders exactly like a missing one', async () => {
      // Anonymous callers get 401 RepoNotFound and signed-in outsiders 404, for missing and private alike.
      const missing = await request(hub.url).get('/api/models/alice/no-such-repo');
      const missingSignedIn = await request(hub.url).get('/api/models/alice/no-such-repo').set(bearer(bob.token));
      const anonymous = [
        await request(hub.url).get('/api/models/alice/secret'),
        await request(hub.url).get('/api/models/alice/secret/revision/nope'),
      ];
      const signedIn = [
        await request(hub.url).get('/api/models/alice/secret').set(bearer(bob.token)),
        await request(hub.url).get('/api/models/alice/secret/revision/main').set(bearer(bob.token)),
        await request(hub.url).get('/api/models/acme/internal').set(bearer(bob.token)),
      ];
      for (const [status, responses] of [
        [401, [missing, ...anonymous]],
        [404, [missingSignedIn, ...signedIn]],
      ] as const) {
        for (const response of responses) {
          expect([response.status, response.headers['x-error-code']]).toEqual([status, 'RepoNotFound']);
          expect(response.body).toEqual({ error: response.headers['x-error-message'] });
        }
      }
      expect(anonymous[0].headers['x-error-message']).toBe('Repository not found: alice/secret');
      expect(signedIn[0].headers['x-error-message']).toBe('Repository not found: alice/secret');
      expect(missing.headers['x-error-message']).toBe('Repository not found: alice/no-such-repo');
      expect(missingSignedIn.headers['x-error-message']).toBe('Repository not found: alice/no-such-repo');
    });

    it('should answer a private repository to its owner and to members of its organisation', async () => {
      const own = await request(hub.url)
        .get('/api/models/alice/secret?expand=private')
        .set(bearer(alice.token))
        .expect(200);
      expect(own.body.private).toBe(true);
      const member = await request(hub.url).get('/api/models/acme/internal').set(bearer(carol.token)).expect(200);
      expect(member.body).toMatchObject({ id: 'acme/internal', author: 'acme', private: true });
    });

    it('should refuse an invalid token instead of answering anonymously', async () => {
      const response = await request(hub.url)
        .get('/api/models/alice/card-model')
        .set('Authorization', 'Bearer hf_not_a_real_token_000000000000000000')
        .expect(401);
      expect(response.headers['x-error-code']).toBe('Unauthorized');
    });
  });
});
