import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { runPython } from 'test/utils/python';
import { createTestHub, TestHub } from 'test/utils/test-hub';
import { BrowseRepo, gitTree, seedBrowseRepo } from 'test/e2e/browse-fixtures';
import {
  ACCOUNT_TEST_ENV,
  committedOid,
  createRepo,
  fileLine,
  gitIn,
  header,
  newWriter,
  openGit,
  Writer,
} from 'test/e2e/commit-helpers';

/** More files than one tree page (1,000 entries) holds. */
const MANY_FILES = 1100;
/** More commits than one history page (50) holds. */
const MANY_COMMITS = 55;

/**
 * The Python client (huggingface_hub 2.0.0) reading trees, paths-info, refs and history. Each
 * script prints one JSON object with what the client returned or raised.
 */
describe('browsing with Python huggingface_hub', () => {
  let hub: TestHub;
  let alice: Writer;
  let repo: BrowseRepo;
  let workDir: string;

  beforeAll(async () => {
    hub = await createTestHub({ env: ACCOUNT_TEST_ENV });
    alice = await newWriter(hub, 'alice');
    workDir = mkdtempSync(join(tmpdir(), 'kohaku-py-browse-'));
    repo = await seedBrowseRepo(hub, alice.token, 'alice/py-browse');
    await createRepo(hub, alice.token, 'many');
    await committedOid(hub, alice.token, 'alice/many', [
      header('Many files'),
      ...Array.from({ length: MANY_FILES }, (_, index) =>
        fileLine(`d${index % 3}/f${String(index).padStart(4, '0')}.txt`, `${index}\n`),
      ),
    ]);
    await createRepo(hub, alice.token, 'history');
    for (let index = 0; index < MANY_COMMITS; index++) {
      await committedOid(hub, alice.token, 'alice/history', [
        header(`Step ${index}`, { description: index === 0 ? 'The <first> step' : '' }),
        fileLine('counter.txt', `${index}\n`),
      ]);
    }
    await createRepo(hub, alice.token, 'hidden', { isPrivate: true });
  });

  afterAll(async () => {
    await hub.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  async function python(body: string, token: string | null = alice.token): Promise<Record<string, unknown>> {
    const script = [
      'import json, os',
      'from huggingface_hub import HfApi',
      'api = HfApi()',
      'out = {}',
      'def error_of(call):',
      '    try:',
      '        call()',
      '        return None',
      '    except Exception as error:',
      '        return type(error).__name__',
      'def entry(item):',
      '    common = {"path": item.path}',
      '    if item.last_commit is not None:',
      '        common["last_commit"] = [item.last_commit.oid, item.last_commit.title, item.last_commit.date.isoformat()]',
      '    if hasattr(item, "tree_id"):',
      '        return {**common, "kind": "folder", "tree_id": item.tree_id}',
      '    lfs = None if item.lfs is None else [item.lfs.sha256, item.lfs.size, item.lfs.pointer_size]',
      '    return {**common, "kind": "file", "size": item.size, "blob_id": item.blob_id, "lfs": lfs, "xet": item.xet_hash}',
      body,
      'print(json.dumps(out))',
    ].join('\n');
    const result = await runPython(
      script,
      {
        HF_ENDPOINT: hub.url,
        ...(token === null ? { HF_HUB_DISABLE_IMPLICIT_TOKEN: '1' } : { HF_TOKEN: token }),
        HF_HOME: join(workDir, 'hf-home'),
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

  it('should list every file of a repository whose tree spans several pages', async () => {
    const firstPage = await request(hub.url).get('/api/models/alice/many/tree/main?recursive=true').expect(200);
    expect(firstPage.body).toHaveLength(1000);
    expect(firstPage.headers.link).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/[^>]+>; rel="next"$/);
    const out = await python(`
out["files"] = api.list_repo_files("alice/many")
expanded = list(api.list_repo_tree("alice/many", recursive=True, expand=True))
out["expanded"] = [len(expanded), sorted({item.last_commit.title for item in expanded})]
`);
    const expected = (await gitTree(hub, 'alice/many', 'main', '', true))
      .filter((entry) => entry.type === 'blob')
      .map((entry) => entry.path);
    expect(expected).toHaveLength(MANY_FILES + 1);
    expect(out.files).toEqual(expected);
    // 50 entries a page with expand: the client follows 23 links.
    expect(out.expanded).toEqual([MANY_FILES + 4, ['Many files', 'initial commit']]);
  });

  it('should list the tree recursively with expand: blob and tree ids, LFS details, last commits', async () => {
    const out = await python(`
out["tree"] = [entry(item) for item in api.list_repo_tree("alice/py-browse", recursive=True, expand=True)]
`);
    const git = await openGit(hub, repo.repoId);
    const expected = (await gitTree(hub, repo.repoId, 'main', '', true)).map((item) => {
      const [id, title, seconds] = gitIn(git, ['log', '-1', '--format=%H%x00%s%x00%ct', 'main', '--', item.path])
        .trim()
        .split('\0');
      const lastCommit = [id, title, new Date(Number(seconds) * 1000).toISOString().replace('.000Z', '+00:00')];
      if (item.type === 'tree') {
        return { path: item.path, kind: 'folder', tree_id: item.sha, last_commit: lastCommit };
      }
      const size = Number(gitIn(git, ['cat-file', '-s', item.sha]).trim());
      return {
        path: item.path,
        kind: 'file',
        size: item.path === 'weights.bin' ? repo.weights.length : size,
        blob_id: item.sha,
        lfs: item.path === 'weights.bin' ? [repo.weightsOid, repo.weights.length, size] : null,
        xet: null,
        last_commit: lastCommit,
      };
    });
    expect(out.tree).toEqual(expected);
  });

  it('should list folders by name, nested ones encoded, and raise for unknown folders and revisions', async () => {
    const out = await python(`
out["sub"] = [item.path for item in api.list_repo_tree("alice/py-browse", path_in_repo="sub dir")]
out["deep"] = [item.path for item in api.list_repo_tree("alice/py-browse", path_in_repo="sub dir/deep")]
out["feature"] = sorted(item.path for item in api.list_repo_tree("alice/py-browse", path_in_repo="sub dir", revision="feat/x"))
out["pr"] = [item.path for item in api.list_repo_tree("alice/py-browse", revision="refs/pr/1")]
out["tag"] = [item.path for item in api.list_repo_tree("alice/py-browse", revision="v1")]
out["missing_folder"] = error_of(lambda: list(api.list_repo_tree("alice/py-browse", path_in_repo="nope")))
out["missing_revision"] = error_of(lambda: list(api.list_repo_tree("alice/py-browse", revision="nope")))
out["missing_repo"] = error_of(lambda: list(api.list_repo_tree("alice/nothing-here")))
`);
    expect(out).toEqual({
      sub: ['sub dir/deep', 'sub dir/notes é.txt'],
      deep: ['sub dir/deep/x.txt'],
      feature: ['sub dir/deep', 'sub dir/feature.txt', 'sub dir/notes é.txt'],
      pr: expect.arrayContaining(['proposal.txt', 'config.json']),
      tag: expect.not.arrayContaining(['proposal.txt']),
      missing_folder: 'RemoteEntryNotFoundError',
      missing_revision: 'RevisionNotFoundError',
      missing_repo: 'RepositoryNotFoundError',
    });
  });

  it('should describe paths with get_paths_info (form body), leaving out missing ones', async () => {
    const out = await python(`
out["plain"] = [entry(item) for item in api.get_paths_info("alice/py-browse", ["weights.bin", "sub dir", "missing"])]
out["expanded"] = [entry(item) for item in api.get_paths_info("alice/py-browse", ["config.json"], expand=True)]
out["single"] = [item.path for item in api.get_paths_info("alice/py-browse", "README.md", revision="feat/x")]
`);
    const tree = await gitTree(hub, repo.repoId, 'main', '', true);
    const shaOf = (path: string): string | undefined => tree.find((entry) => entry.path === path)?.sha;
    expect(out).toEqual({
      plain: [
        {
          path: 'weights.bin',
          kind: 'file',
          size: repo.weights.length,
          blob_id: shaOf('weights.bin'),
          lfs: [repo.weightsOid, repo.weights.length, expect.any(Number)],
          xet: null,
        },
        { path: 'sub dir', kind: 'folder', tree_id: shaOf('sub dir') },
      ],
      expanded: [
        {
          path: 'config.json',
          kind: 'file',
          size: 9,
          blob_id: shaOf('config.json'),
          lfs: null,
          xet: null,
          last_commit: [repo.main, 'Update config', expect.stringMatching(/\+00:00$/)],
        },
      ],
      single: ['README.md'],
    });
  });

  it('should list refs with pull requests', async () => {
    const out = await python(`
refs = api.list_repo_refs("alice/py-browse", include_pull_requests=True)
as_list = lambda items: [[ref.name, ref.ref, ref.target_commit] for ref in items]
out = {"branches": as_list(refs.branches), "tags": as_list(refs.tags), "converts": as_list(refs.converts), "prs": as_list(refs.pull_requests)}
out["without"] = api.list_repo_refs("alice/py-browse").pull_requests
`);
    const git = await openGit(hub, repo.repoId);
    expect(out).toEqual({
      branches: [
        ['feat/x', 'refs/heads/feat/x', repo.feature],
        ['main', 'refs/heads/main', repo.main],
      ],
      tags: [['v1', 'refs/tags/v1', gitIn(git, ['rev-parse', 'v1^{commit}']).trim()]],
      converts: [],
      prs: [['refs/pr/1', 'refs/pr/1', repo.pullRequest]],
      without: null,
    });
  });

  it('should list a history longer than one page, newest first, with formatted texts', async () => {
    const out = await python(`
commits = api.list_repo_commits("alice/history", formatted=True)
out["commits"] = [[c.commit_id, c.title, c.message, c.authors, c.created_at.isoformat(), c.formatted_title, c.formatted_message] for c in commits]
out["plain"] = [c.formatted_title for c in api.list_repo_commits("alice/history")][:1]
`);
    const git = await openGit(hub, 'alice/history');
    const ids = gitIn(git, ['log', '--format=%H', 'main']).trim().split('\n');
    expect(ids.length).toBe(MANY_COMMITS + 1);
    const commits = out.commits as [string, string, string, string[], string, string, string][];
    expect(commits.map((commit) => commit[0])).toEqual(ids);
    expect(commits[0].slice(1, 4)).toEqual([`Step ${MANY_COMMITS - 1}`, '', ['alice']]);
    expect(commits[0][4]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
    expect(commits[MANY_COMMITS - 1].slice(1, 7)).toEqual([
      'Step 0',
      'The <first> step',
      ['alice'],
      expect.any(String),
      'Step 0',
      '<p>The &#60;first&#62; step</p>',
    ]);
    expect(out.plain).toEqual([null]);
  });

  it('should answer a private repository like a missing one to anonymous callers', async () => {
    const anonymous = await python(
      `
out["tree"] = error_of(lambda: list(api.list_repo_tree("alice/hidden")))
out["commits"] = error_of(lambda: api.list_repo_commits("alice/hidden"))
out["refs"] = error_of(lambda: api.list_repo_refs("alice/hidden"))
out["paths"] = error_of(lambda: api.get_paths_info("alice/hidden", [".gitattributes"]))
`,
      null,
    );
    expect(anonymous).toEqual({
      tree: 'RepositoryNotFoundError',
      commits: 'RepositoryNotFoundError',
      refs: 'RepositoryNotFoundError',
      paths: 'RepositoryNotFoundError',
    });
    const owner = await python('out["files"] = api.list_repo_files("alice/hidden")');
    expect(owner.files).toEqual(['.gitattributes']);
  });
});
