import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import request from 'supertest';
import { DownloadMode } from 'src/config/hub-config';
import { FileDownloadService } from 'src/download/file-download.service';
import { runPython } from 'test/utils/python';
import { createTestHub, TestHub } from 'test/utils/test-hub';
import { ACCOUNT_TEST_ENV, bearer, newWriter, Writer } from 'test/e2e/commit-helpers';
import { DownloadFixture, seedDownloadRepo, UNICODE_PATH } from 'test/e2e/download-fixtures';

const PREAMBLE = [
  'import json, os',
  'from huggingface_hub import HfApi, hf_hub_download',
  'from huggingface_hub.errors import EntryNotFoundError, GatedRepoError, RepositoryNotFoundError, RevisionNotFoundError',
  'CACHE = os.environ["CACHE"]',
  'api = HfApi()',
  'out = {}',
  'def outcome(call):',
  '    try:',
  '        return ["ok", call()]',
  '    except Exception as error:',
  '        return [type(error).__name__, isinstance(error, EntryNotFoundError), isinstance(error, RepositoryNotFoundError)]',
].join('\n');

/** Runs a script with huggingface_hub 2.0.0 against the hub; it prints one JSON object. */
async function python(hub: TestHub, token: string, cacheDir: string, body: string): Promise<Record<string, unknown>> {
  const result = await runPython(
    `${PREAMBLE}\n${body}\nprint(json.dumps(out))`,
    {
      HF_ENDPOINT: hub.url,
      HF_TOKEN: token,
      HF_HOME: join(cacheDir, 'hf-home'),
      CACHE: cacheDir,
      HF_HUB_DISABLE_XET: '1',
      HF_HUB_DISABLE_TELEMETRY: '1',
      HF_HUB_DISABLE_PROGRESS_BARS: '1',
    },
    180_000,
  );
  if (result.exitCode !== 0) {
    throw new Error(`Python failed (${result.exitCode}):\n${result.stderr}`);
  }
  return JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Counts resolve calls by HTTP method while `work` runs. */
async function countResolves(hub: TestHub, work: () => Promise<unknown>): Promise<{ HEAD: number; GET: number }> {
  const spy = jest.spyOn(hub.app.get(FileDownloadService), 'resolve');
  try {
    await work();
    const counts = { HEAD: 0, GET: 0 };
    for (const [, , http] of spy.mock.calls) {
      counts[http.method as 'HEAD' | 'GET'] += 1;
    }
    return counts;
  } finally {
    spy.mockRestore();
  }
}

const DOWNLOAD_SETUPS: [storage: 'fs' | 's3', mode: DownloadMode][] = [
  ['fs', 'redirect'],
  ['fs', 'proxy'],
  ['s3', 'redirect'],
];

describe.each(DOWNLOAD_SETUPS)('hf_hub_download (Python) from %s storage in %s mode', (storage, mode) => {
  let hub: TestHub;
  let alice: Writer;
  let fixture: DownloadFixture;
  let cacheDir: string;

  beforeAll(async () => {
    hub = await createTestHub({ storage, env: { ...ACCOUNT_TEST_ENV, KOHAKU_HUB_DOWNLOAD_MODE: mode } });
    alice = await newWriter(hub, 'alice');
    fixture = await seedDownloadRepo(hub, alice.token, 'alice/dl', { isPrivate: true });
    cacheDir = mkdtempSync(join(tmpdir(), 'kohaku-py-download-'));
  });

  afterAll(async () => {
    await hub.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  const FILES = ['config.json', 'model.safetensors', UNICODE_PATH, 'empty.txt', 'large.txt'];
  const script = (revision: string) => `
for name in ${JSON.stringify(FILES)}:
    out[name] = hf_hub_download("alice/dl", name, revision=${JSON.stringify(revision)}, cache_dir=CACHE)
`;

  it('should download regular and LFS files into a cache named by commit and etag, then serve them from it after a HEAD only', async () => {
    const first = await countResolves(hub, async () => {
      const out = await python(hub, alice.token, cacheDir, script('main'));
      const expected: Record<string, [Buffer, string]> = {
        'config.json': [fixture.small, fixture.blobIds['config.json']],
        'model.safetensors': [fixture.lfs, fixture.lfsOid],
        [UNICODE_PATH]: [fixture.unicode, fixture.blobIds[UNICODE_PATH]],
        'empty.txt': [Buffer.alloc(0), fixture.blobIds['empty.txt']],
        'large.txt': [fixture.large, fixture.blobIds['large.txt']],
      };
      for (const [name, [content, etag]] of Object.entries(expected)) {
        const snapshotPath = out[name] as string;
        expect(snapshotPath.endsWith(join('snapshots', fixture.commitSha, name))).toBe(true);
        expect(sha256(readFileSync(snapshotPath))).toBe(sha256(content));
        expect(basename(readlinkSync(snapshotPath))).toBe(etag);
      }
      const repoCache = join(cacheDir, 'models--alice--dl');
      expect(readFileSync(join(repoCache, 'refs', 'main'), 'utf8')).toBe(fixture.commitSha);
      expect(dirname(readlinkSync(out['model.safetensors'] as string)).endsWith('blobs')).toBe(true);
    });
    // Python never fetches an empty file: five HEADs, four GETs.
    expect(first).toEqual({ HEAD: 5, GET: 4 });

    const second = await countResolves(hub, () => python(hub, alice.token, cacheDir, script('main')));
    expect(second).toEqual({ HEAD: 5, GET: 0 });
    const pinned = await countResolves(hub, () => python(hub, alice.token, cacheDir, script(fixture.commitSha)));
    expect(pinned).toEqual({ HEAD: 0, GET: 0 });
  });
});

describe('Python error classes and existence checks against resolve', () => {
  let hub: TestHub;
  let alice: Writer;
  let bob: Writer;
  let cacheDir: string;
  let fixture: DownloadFixture;

  beforeAll(async () => {
    hub = await createTestHub({ env: ACCOUNT_TEST_ENV });
    [alice, bob] = [await newWriter(hub, 'alice'), await newWriter(hub, 'bob')];
    fixture = await seedDownloadRepo(hub, alice.token, 'alice/public');
    await seedDownloadRepo(hub, bob.token, 'bob/secret', { isPrivate: true });
    await seedDownloadRepo(hub, bob.token, 'bob/gated');
    await request(hub.url)
      .put('/api/models/bob/gated/settings')
      .set(bearer(bob.token))
      .send({ gated: 'auto' })
      .expect(200);
    await seedDownloadRepo(hub, alice.token, 'alice/before-move');
    await request(hub.url)
      .post('/api/repos/move')
      .set(bearer(alice.token))
      .send({ fromRepo: 'alice/before-move', toRepo: 'alice/after-move', type: 'model' })
      .expect(200);
    cacheDir = mkdtempSync(join(tmpdir(), 'kohaku-py-errors-'));
  });

  afterAll(async () => {
    await hub.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('should raise RemoteEntryNotFoundError, RevisionNotFoundError and RepositoryNotFoundError, also for a private repository seen anonymously over http', async () => {
    const out = await python(
      hub,
      alice.token,
      cacheDir,
      `
out["missing_file"] = outcome(lambda: hf_hub_download("alice/public", "nope.txt", cache_dir=CACHE))
out["missing_revision"] = outcome(lambda: hf_hub_download("alice/public", "config.json", revision="nope", cache_dir=CACHE))
out["missing_repo"] = outcome(lambda: hf_hub_download("alice/nothing", "config.json", cache_dir=CACHE))
out["private_anonymous"] = outcome(lambda: hf_hub_download("bob/secret", "config.json", cache_dir=CACHE, token=False))
out["private_outsider"] = outcome(lambda: hf_hub_download("bob/secret", "config.json", cache_dir=CACHE))
out["gated"] = outcome(lambda: hf_hub_download("bob/gated", "config.json", cache_dir=CACHE))
out["moved"] = outcome(lambda: open(hf_hub_download("alice/before-move", "config.json", cache_dir=CACHE)).read())
`,
    );
    expect(out).toEqual({
      missing_file: ['RemoteEntryNotFoundError', true, false],
      missing_revision: ['RevisionNotFoundError', false, false],
      missing_repo: ['RepositoryNotFoundError', false, true],
      private_anonymous: ['RepositoryNotFoundError', false, true],
      private_outsider: ['RepositoryNotFoundError', false, true],
      gated: ['GatedRepoError', false, true],
      moved: ['ok', fixture.small.toString()],
    });
    // The missing file is remembered for the commit it was looked up at.
    expect(existsSync(join(cacheDir, 'models--alice--public', '.no_exist', fixture.commitSha, 'nope.txt'))).toBe(true);
  });

  it('should answer file_exists through HEAD resolve, true and false, anonymous included', async () => {
    const out = await python(
      hub,
      alice.token,
      cacheDir,
      `
out["file_exists"] = [
    api.file_exists("alice/public", "config.json"),
    api.file_exists("alice/public", "${UNICODE_PATH}"),
    api.file_exists("alice/public", "model.safetensors", token=False),
    api.file_exists("alice/public", "nope.txt"),
    api.file_exists("alice/public", "config.json", revision="nope"),
    api.file_exists("alice/nothing", "config.json"),
    api.file_exists("bob/secret", "config.json", token=False),
    api.file_exists("bob/secret", "config.json"),
    api.file_exists("bob/secret", "config.json", token=os.environ["BOB_TOKEN"]),
]
out["gated"] = outcome(lambda: api.file_exists("bob/gated", "config.json"))
`.replace('os.environ["BOB_TOKEN"]', JSON.stringify(bob.token)),
    );
    expect(out).toEqual({
      file_exists: [true, true, true, false, false, false, false, false, true],
      gated: ['GatedRepoError', false, true],
    });
  });

  it('should answer repo_exists and revision_exists, private repositories seen anonymously included', async () => {
    const out = await python(
      hub,
      alice.token,
      cacheDir,
      `
out["repo_exists"] = [
    api.repo_exists("alice/public"),
    api.repo_exists("alice/nothing"),
    api.repo_exists("bob/secret", token=False),
    api.repo_exists("bob/secret"),
    api.repo_exists("bob/secret", token=${JSON.stringify(bob.token)}),
    api.repo_exists("bob/gated", token=False),
]
out["revision_exists"] = [
    api.revision_exists("alice/public", "main"),
    api.revision_exists("alice/public", "nope"),
    api.revision_exists("alice/nothing", "main"),
    api.revision_exists("bob/secret", "main", token=False),
]
`,
    );
    expect(out).toEqual({
      repo_exists: [true, false, false, false, true, true],
      revision_exists: [true, false, false, false],
    });
  });
});
