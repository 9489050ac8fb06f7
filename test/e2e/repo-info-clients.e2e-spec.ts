import { datasetInfo, HubApiError, modelInfo, repoExists, spaceInfo } from '@huggingface/hub';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPython } from 'test/utils/python';
import { createTestHub, TestHub } from 'test/utils/test-hub';
import {
  ACCOUNT_TEST_ENV,
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

const MODEL_README =
  '---\nlicense: mit\nlibrary_name: transformers\npipeline_tag: fill-mask\ntags: [nlp]\nlanguage: [en]\n---\n# A model\n';
const DATASET_README =
  '---\nlicense: cc0-1.0\nlanguage: [en]\ntask_categories: [text-generation]\npaperswithcode_id: corpus\n---\n' +
  '# Corpus\n\nSentences.\n\n```bibtex\n@misc{corpus}\n```\n';
const SPACE_README = '---\ntitle: Demo\nsdk: gradio\nmodels: [alice/py-model]\ndatasets: [alice/py-data]\n---\nHi\n';

/**
 * Repo info through the real clients: huggingface_hub 2.0.0 (`model_info`, `dataset_info`,
 * `space_info`, `repo_info`, `repo_exists`, `revision_exists`) and @huggingface/hub (`modelInfo`,
 * `datasetInfo`, `spaceInfo`, `repoExists`).
 */
describe('repo info with the real clients', () => {
  let hub: TestHub;
  let alice: Writer;
  let bob: Writer;
  let workDir: string;
  let weights: Buffer;

  beforeAll(async () => {
    hub = await createTestHub({ env: ACCOUNT_TEST_ENV });
    alice = await newWriter(hub, 'alice');
    bob = await newWriter(hub, 'bob');
    workDir = mkdtempSync(join(tmpdir(), 'kohaku-info-clients-'));
    await createRepo(hub, alice.token, 'py-model');
    weights = randomBytes(3000);
    const object = await uploadLfsObject(hub, alice.token, 'alice/py-model', weights);
    await commitLines(hub, alice.token, 'alice/py-model', [
      header('add'),
      fileLine('README.md', MODEL_README),
      fileLine('config.json', '{}\n'),
      lfsFileLine('model.safetensors', object),
    ]).expect(200);
    await commitLines(hub, alice.token, 'alice/py-model', [header('pr'), fileLine('pr.txt', 'pr')], {
      query: 'create_pr=1',
    }).expect(200);
    await createRepo(hub, alice.token, 'py-data', { type: 'dataset' });
    await commitLines(hub, alice.token, 'alice/py-data', [header('card'), fileLine('README.md', DATASET_README)], {
      type: 'dataset',
    }).expect(200);
    await createRepo(hub, alice.token, 'py-space', { type: 'space' });
    await commitLines(hub, alice.token, 'alice/py-space', [header('card'), fileLine('README.md', SPACE_README)], {
      type: 'space',
    }).expect(200);
    await createRepo(hub, alice.token, 'hidden', { isPrivate: true });
  });

  afterAll(async () => {
    await hub.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  async function python(body: string, token?: string): Promise<Record<string, unknown>> {
    const script = [
      'import json',
      'from huggingface_hub import HfApi',
      'from huggingface_hub.errors import HfHubHTTPError',
      'api = HfApi()',
      'out = {}',
      'def error_of(call):',
      '    try:',
      '        call()',
      '        return None',
      '    except HfHubHTTPError as error:',
      '        return [error.response.status_code, type(error).__name__]',
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
        HF_HUB_DISABLE_PROGRESS_BARS: '1',
      },
      120_000,
    );
    if (result.exitCode !== 0) {
      throw new Error(`Python failed (${result.exitCode}):\n${result.stderr}`);
    }
    return JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
  }

  describe('huggingface_hub', () => {
    it('should read model_info(files_metadata=True): siblings with sizes, blob ids and LFS details, and the card', async () => {
      const git = await openGit(hub, 'alice/py-model');
      const out = await python(`
info = api.model_info("alice/py-model", files_metadata=True)
out["id"] = info.id
out["author"] = info.author
out["sha"] = info.sha
out["private"] = info.private
out["gated"] = info.gated
out["disabled"] = info.disabled
out["downloads"] = info.downloads
out["likes"] = info.likes
out["tags"] = info.tags
out["pipeline_tag"] = info.pipeline_tag
out["library_name"] = info.library_name
out["license"] = info.card_data.license
out["language"] = info.card_data.language
out["last_modified"] = info.last_modified.timestamp()
out["created_at_tz"] = info.created_at.tzname()
out["used_storage"] = info.used_storage
out["siblings"] = [
    [s.rfilename, s.size, s.blob_id, None if s.lfs is None else [s.lfs.sha256, s.lfs.size, s.lfs.pointer_size]]
    for s in info.siblings
]
`);
      const blob = (path: string): string => gitIn(git, ['rev-parse', `main:${path}`]).trim();
      const pointerSize = Number(gitIn(git, ['cat-file', '-s', blob('model.safetensors')]).trim());
      expect(out).toEqual({
        id: 'alice/py-model',
        author: 'alice',
        sha: revParse(git, 'main'),
        private: false,
        gated: false,
        disabled: false,
        downloads: 0,
        likes: 0,
        tags: ['transformers', 'nlp', 'fill-mask', 'en', 'license:mit'],
        pipeline_tag: 'fill-mask',
        library_name: 'transformers',
        license: 'mit',
        language: ['en'],
        last_modified: Number(gitIn(git, ['log', '-1', '--format=%ct', 'main']).trim()),
        created_at_tz: 'UTC',
        used_storage: expect.any(Number),
        siblings: [
          ['.gitattributes', expect.any(Number), blob('.gitattributes'), null],
          ['README.md', Buffer.byteLength(MODEL_README), blob('README.md'), null],
          ['config.json', 3, blob('config.json'), null],
          [
            'model.safetensors',
            weights.length,
            blob('model.safetensors'),
            [sha256Hex(weights), weights.length, pointerSize],
          ],
        ],
      });
    });

    it('should resolve revisions: a tag, a commit id, refs/pr/1, and raise RevisionNotFoundError for others', async () => {
      const git = await openGit(hub, 'alice/py-model');
      gitIn(git, ['tag', 'v1', 'main~1']);
      const out = await python(`
out["tag"] = api.model_info("alice/py-model", revision="v1").sha
out["sha"] = api.model_info("alice/py-model", revision="${revParse(git, 'main~1')}").sha
pr = api.model_info("alice/py-model", revision="refs/pr/1")
out["pr"] = [pr.sha, sorted(s.rfilename for s in pr.siblings)]
out["missing"] = error_of(lambda: api.model_info("alice/py-model", revision="nope"))
out["exists"] = [api.revision_exists("alice/py-model", "v1"), api.revision_exists("alice/py-model", "nope")]
`);
      expect(out).toEqual({
        tag: revParse(git, 'main~1'),
        sha: revParse(git, 'main~1'),
        pr: [revParse(git, 'refs/pr/1'), ['.gitattributes', 'README.md', 'config.json', 'model.safetensors', 'pr.txt']],
        missing: [404, 'RevisionNotFoundError'],
        exists: [true, false],
      });
    });

    it('should read dataset_info and space_info with their own fields', async () => {
      const out = await python(`
data = api.dataset_info("alice/py-data")
out["data"] = [data.id, data.card_data.license, data.tags, data.description, data.citation, data.paperswithcode_id]
space = api.space_info("alice/py-space")
out["space"] = [space.id, space.sdk, space.card_data.title, space.models, space.datasets, space.tags]
out["type_mismatch"] = error_of(lambda: api.dataset_info("alice/py-model"))
out["type_mismatch_signed_in"] = error_of(lambda: api.dataset_info("alice/py-model", token="${bob.token}"))
`);
      expect(out).toEqual({
        data: [
          'alice/py-data',
          'cc0-1.0',
          ['task_categories:text-generation', 'language:en', 'license:cc0-1.0'],
          'Sentences.',
          '@misc{corpus}',
          'corpus',
        ],
        space: ['alice/py-space', 'gradio', 'Demo', ['alice/py-model'], ['alice/py-data'], ['gradio']],
        // RepoNotFound is a 401 for anonymous callers and a 404 for signed-in ones, as on huggingface.co.
        type_mismatch: [401, 'RepositoryNotFoundError'],
        type_mismatch_signed_in: [404, 'RepositoryNotFoundError'],
      });
    });

    it('should answer repo_info(expand=…) with only those properties, and a 400 for an unknown one', async () => {
      const git = await openGit(hub, 'alice/py-model');
      const out = await python(`
info = api.repo_info("alice/py-model", expand=["sha", "private", "cardData"])
out["expanded"] = [info.sha, info.private, info.downloads, info.siblings, info.card_data.license]
dataset = api.repo_info("alice/py-data", repo_type="dataset", expand=["usedStorage", "tags"])
out["dataset"] = [dataset.used_storage > 0, dataset.tags, dataset.sha]
out["unknown"] = error_of(lambda: api.repo_info("alice/py-model", expand=["foo"]))
`);
      expect(out).toEqual({
        expanded: [revParse(git, 'main'), false, null, null, 'mit'],
        dataset: [true, ['task_categories:text-generation', 'language:en', 'license:cc0-1.0'], null],
        unknown: [400, 'BadRequestError'],
      });
    });

    it('should tell repo_exists for public, private and missing repositories, with and without a token', async () => {
      const script = `
out["public"] = api.repo_exists("alice/py-model")
out["private"] = api.repo_exists("alice/hidden")
out["missing"] = api.repo_exists("alice/nothing")
out["dataset"] = api.repo_exists("alice/py-data", repo_type="dataset")
out["anonymous_private"] = api.repo_exists("alice/hidden", token=False)
`;
      expect(await python(script)).toEqual({
        public: true,
        private: false,
        missing: false,
        dataset: true,
        anonymous_private: false,
      });
      expect(await python(script, bob.token)).toEqual({
        public: true,
        private: false,
        missing: false,
        dataset: true,
        anonymous_private: false,
      });
      expect(await python(script, alice.token)).toEqual({
        public: true,
        private: true,
        missing: false,
        dataset: true,
        anonymous_private: false,
      });
    });
  });

  describe('@huggingface/hub', () => {
    it('should read modelInfo at HEAD with the fields it maps, and extra fields on request', async () => {
      const git = await openGit(hub, 'alice/py-model');
      const info = await modelInfo({
        name: 'alice/py-model',
        hubUrl: hub.url,
        additionalFields: ['sha', 'author', 'tags', 'library_name', 'cardData', 'filePaths'],
      });
      expect(info).toEqual({
        id: expect.any(String),
        name: 'alice/py-model',
        private: false,
        task: 'fill-mask',
        downloads: 0,
        gated: false,
        likes: 0,
        updatedAt: new Date(Number(gitIn(git, ['log', '-1', '--format=%ct', 'main']).trim()) * 1000),
        sha: revParse(git, 'main'),
        author: 'alice',
        tags: ['transformers', 'nlp', 'fill-mask', 'en', 'license:mit'],
        library_name: 'transformers',
        cardData: {
          license: 'mit',
          library_name: 'transformers',
          pipeline_tag: 'fill-mask',
          tags: ['nlp'],
          language: ['en'],
        },
        filePaths: ['.gitattributes', 'README.md', 'config.json', 'model.safetensors'],
      });
      const atPr = await modelInfo({
        name: 'alice/py-model',
        hubUrl: hub.url,
        revision: 'refs/pr/1',
        additionalFields: ['sha'],
      });
      expect(atPr.sha).toBe(revParse(git, 'refs/pr/1'));
    });

    it('should read private repositories with a token only, and datasetInfo and spaceInfo', async () => {
      // Anonymous callers get HubApiError 401 and signed-in outsiders 404, for private and missing repositories alike.
      for (const name of ['alice/hidden', 'alice/nothing']) {
        const anonymous = modelInfo({ name, hubUrl: hub.url });
        await expect(anonymous).rejects.toBeInstanceOf(HubApiError);
        await expect(anonymous).rejects.toMatchObject({
          statusCode: 401,
          data: { error: `Repository not found: ${name}` },
        });
        const outsider = modelInfo({ name, hubUrl: hub.url, accessToken: bob.token });
        await expect(outsider).rejects.toBeInstanceOf(HubApiError);
        await expect(outsider).rejects.toMatchObject({
          statusCode: 404,
          data: { error: `Repository not found: ${name}` },
        });
      }
      const own = await modelInfo({ name: 'alice/hidden', hubUrl: hub.url, accessToken: alice.token });
      expect(own).toMatchObject({ name: 'alice/hidden', private: true });
      const data = await datasetInfo({ name: 'alice/py-data', hubUrl: hub.url, additionalFields: ['citation'] });
      expect(data).toMatchObject({ name: 'alice/py-data', private: false, citation: '@misc{corpus}' });
      const space = await spaceInfo({ name: 'alice/py-space', hubUrl: hub.url, additionalFields: ['models'] });
      expect(space).toMatchObject({ name: 'alice/py-space', sdk: 'gradio', models: ['alice/py-model'] });
    });

    it('should tell repoExists for public, private and missing repositories', async () => {
      const exists = (name: string, accessToken?: string, type: 'model' | 'dataset' = 'model') =>
        repoExists({ repo: { type, name }, hubUrl: hub.url, accessToken });
      expect(await exists('alice/py-model')).toBe(true);
      expect(await exists('alice/py-data', undefined, 'dataset')).toBe(true);
      expect(await exists('alice/nothing')).toBe(false);
      expect(await exists('alice/hidden')).toBe(false);
      expect(await exists('alice/hidden', bob.token)).toBe(false);
      expect(await exists('alice/hidden', alice.token)).toBe(true);
    });
  });
});
