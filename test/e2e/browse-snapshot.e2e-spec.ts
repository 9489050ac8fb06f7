import { snapshotDownload } from '@huggingface/hub';
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runPython } from 'test/utils/python';
import { createTestHub, TestHub } from 'test/utils/test-hub';
import { BrowseRepo, gitTree, seedBrowseRepo } from 'test/e2e/browse-fixtures';
import {
  ACCOUNT_TEST_ENV,
  committedOid,
  fileLine,
  header,
  newWriter,
  openGit,
  revParse,
  showFile,
  Writer,
} from 'test/e2e/commit-helpers';

/** Every file below a folder (following the cache's symlinks), by path relative to it. */
function filesBelow(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (lstatSync(path).isDirectory()) {
        walk(path);
      } else {
        files.set(relative(root, path), readFileSync(path));
      }
    }
  };
  walk(root);
  return files;
}

/**
 * Whole-repository downloads driven by the tree listing: Python `snapshot_download` and
 * `HfFileSystem`, and JS `snapshotDownload`, against the resolve routes of the download module.
 */
describe('snapshots and HfFileSystem over the tree listing', () => {
  let hub: TestHub;
  let alice: Writer;
  let repo: BrowseRepo;
  let workDir: string;
  let head: string;
  const long = randomBytes(4000);

  beforeAll(async () => {
    hub = await createTestHub({ env: ACCOUNT_TEST_ENV });
    alice = await newWriter(hub, 'alice');
    workDir = mkdtempSync(join(tmpdir(), 'kohaku-snapshot-'));
    repo = await seedBrowseRepo(hub, alice.token, 'alice/snap');
    head = await committedOid(hub, alice.token, repo.repoId, [
      header('Add a long file'),
      fileLine('sub dir/long.bin', long),
    ]);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await hub.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  /** What a snapshot of `revision` must hold: every file, LFS files as their content. */
  async function expectedFiles(revision: string): Promise<Map<string, Buffer>> {
    const git = await openGit(hub, repo.repoId);
    const files = new Map<string, Buffer>();
    for (const entry of await gitTree(hub, repo.repoId, revision, '', true)) {
      if (entry.type === 'blob') {
        files.set(
          entry.path,
          entry.path === 'weights.bin' ? repo.weights : (showFile(git, revision, entry.path) ?? Buffer.alloc(0)),
        );
      }
    }
    return files;
  }

  async function python(body: string): Promise<Record<string, unknown>> {
    const script = [
      'import json, os',
      'from huggingface_hub import HfApi, HfFileSystem, snapshot_download',
      'out = {}',
      body,
      'print(json.dumps(out))',
    ].join('\n');
    const result = await runPython(
      script,
      {
        HF_ENDPOINT: hub.url,
        HF_TOKEN: alice.token,
        HF_HOME: join(workDir, 'hf-home'),
        HF_HUB_DISABLE_XET: '1',
        HF_HUB_DISABLE_TELEMETRY: '1',
        HF_HUB_DISABLE_PROGRESS_BARS: '1',
        WORK: workDir,
      },
      180_000,
    );
    if (result.exitCode !== 0) {
      throw new Error(`Python failed (${result.exitCode}):\n${result.stderr}`);
    }
    return JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
  }

  it('should download a byte-identical snapshot named by the commit with Python snapshot_download', async () => {
    const out = await python(`
out["main"] = snapshot_download("alice/snap", cache_dir=os.path.join(os.environ["WORK"], "py-cache"))
out["pr"] = snapshot_download("alice/snap", revision="refs/pr/1", cache_dir=os.path.join(os.environ["WORK"], "py-cache"))
`);
    const main = out.main as string;
    expect(main.split('/').slice(-2)).toEqual(['snapshots', head]);
    expect(filesBelow(main)).toEqual(await expectedFiles('main'));
    expect(readFileSync(join(main, '..', '..', 'refs', 'main'), 'utf8')).toBe(head);
    const pr = out.pr as string;
    expect(pr.split('/').pop()).toBe(repo.pullRequest);
    expect(filesBelow(pr)).toEqual(await expectedFiles('refs/pr/1'));
  });

  it('should list, glob, stat and read ranges with HfFileSystem', async () => {
    const out = await python(`
fs = HfFileSystem()
out["ls"] = sorted(fs.ls("alice/snap", detail=False))
out["ls_sub"] = sorted((item["name"], item["type"], item["size"]) for item in fs.ls("alice/snap/sub dir"))
out["glob"] = sorted(fs.glob("alice/snap/**/*.txt"))
out["find"] = len(fs.find("alice/snap"))
info = fs.info("alice/snap/weights.bin")
out["info"] = [info["name"], info["type"], info["size"], info["lfs"]["sha256"] if info.get("lfs") else None]
out["exists"] = [fs.exists("alice/snap/config.json"), fs.exists("alice/snap/missing.txt"), fs.isdir("alice/snap/sub dir")]
with fs.open("alice/snap/sub dir/long.bin", "rb") as handle:
    handle.seek(100)
    out["slice"] = handle.read(50).hex()
with fs.open("alice/snap/weights.bin", "rb", block_size=256) as handle:
    handle.seek(1000)
    out["lfs_slice"] = handle.read(64).hex()
out["cat"] = fs.cat_file("alice/snap/config.json").decode()
out["tag_ls"] = sorted(fs.ls("alice/snap@v1", detail=False))
`);
    expect(out).toEqual({
      ls: [
        'alice/snap/.gitattributes',
        'alice/snap/README.md',
        'alice/snap/config.json',
        'alice/snap/empty.txt',
        'alice/snap/sub dir',
        'alice/snap/weights.bin',
      ],
      ls_sub: [
        ['alice/snap/sub dir/deep', 'directory', 0],
        ['alice/snap/sub dir/long.bin', 'file', long.length],
        ['alice/snap/sub dir/notes é.txt', 'file', 6],
      ],
      glob: ['alice/snap/empty.txt', 'alice/snap/sub dir/deep/x.txt', 'alice/snap/sub dir/notes é.txt'],
      find: (await expectedFiles('main')).size,
      info: ['alice/snap/weights.bin', 'file', repo.weights.length, repo.weightsOid],
      exists: [true, false, true],
      slice: long.subarray(100, 150).toString('hex'),
      lfs_slice: repo.weights.subarray(1000, 1064).toString('hex'),
      cat: '{"a": 2}\n',
      tag_ls: [
        'alice/snap@v1/.gitattributes',
        'alice/snap@v1/README.md',
        'alice/snap@v1/config.json',
        'alice/snap@v1/empty.txt',
        'alice/snap@v1/sub dir',
        'alice/snap@v1/weights.bin',
      ],
    });
  });

  it('should download a byte-identical snapshot with JS snapshotDownload, in the shared cache layout', async () => {
    const cacheDir = join(workDir, 'js-cache');
    // The client reports every file it fetches on console.debug.
    jest.spyOn(console, 'debug').mockImplementation(() => undefined);
    const folder = await snapshotDownload({ repo: repo.repoId, cacheDir, accessToken: alice.token, hubUrl: hub.url });
    expect(folder).toBe(join(cacheDir, 'models--alice--snap', 'snapshots', head));
    expect(filesBelow(folder)).toEqual(await expectedFiles('main'));
    const git = await openGit(hub, repo.repoId);
    expect(revParse(git, 'main')).toBe(head);
    const out = await python(`
from huggingface_hub import try_to_load_from_cache
cache = os.path.join(os.environ["WORK"], "js-cache")
out["config"] = open(try_to_load_from_cache("alice/snap", "config.json", cache_dir=cache), "rb").read().decode()
out["weights"] = os.path.getsize(try_to_load_from_cache("alice/snap", "weights.bin", cache_dir=cache))
`);
    expect(out).toEqual({ config: '{"a": 2}\n', weights: repo.weights.length });
  });
});
