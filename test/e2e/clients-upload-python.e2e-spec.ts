import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lfsPointerOf } from 'test/utils/lfs';
import { hfClientEnv, runHfScript } from 'test/utils/python';
import { TestHub } from 'test/utils/test-hub';
import { createWriterHub, gitIn, listFiles, openGit, revParse, showFile, Writer } from 'test/e2e/commit-helpers';

/**
 * The Python client (huggingface_hub 2.0.0, legacy LFS path with HF_HUB_DISABLE_XET=1) against
 * the upload path: create_repo, upload_file/folder, create_commit, branches, tags, PRs, squash.
 * Each script prints one JSON object with what the client returned or raised.
 */
describe('uploads with Python huggingface_hub', () => {
  let hub: TestHub;
  let alice: Writer;
  let workDir: string;

  beforeAll(async () => {
    [hub, alice] = await createWriterHub(['alice']);
    workDir = mkdtempSync(join(tmpdir(), 'kohaku-py-upload-'));
  });

  afterAll(async () => {
    await hub.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  function python(body: string): Promise<Record<string, unknown>> {
    return runHfScript(
      [
        'from huggingface_hub import CommitOperationAdd, CommitOperationCopy, CommitOperationDelete',
        'from huggingface_hub.errors import HfHubHTTPError',
        'def status_of(call):',
        '    try:',
        '        call()',
        '        return 200',
        '    except HfHubHTTPError as error:',
        '        return [error.response.status_code, type(error).__name__]',
        body,
      ],
      { ...hfClientEnv(hub.url, alice.token, workDir), HF_HUB_DISABLE_PROGRESS_BARS: '1' },
    );
  }

  it('should create repositories, with exist_ok and in the caller namespace', async () => {
    const out = await python(`
url = api.create_repo("alice/py-create")
out["url"] = str(url)
out["repo_id"] = url.repo_id
out["again"] = str(api.create_repo("alice/py-create", exist_ok=True))
out["conflict"] = status_of(lambda: api.create_repo("alice/py-create"))
out["solo"] = api.create_repo("py-solo", private=True).repo_id
out["dataset"] = str(api.create_repo("alice/py-data", repo_type="dataset"))
`);
    expect(out).toEqual({
      url: `${hub.url}/alice/py-create`,
      repo_id: 'alice/py-create',
      again: `${hub.url}/alice/py-create`,
      conflict: [409, 'HfHubHTTPError'],
      solo: 'alice/py-solo',
      dataset: `${hub.url}/datasets/alice/py-data`,
    });
  });

  it('should upload a file and a folder of small, empty, README and LFS files, each as one commit', async () => {
    const folder = join(workDir, 'folder');
    const weights = randomBytes(64 * 1024);
    const binary = Buffer.concat([Buffer.from([0, 1, 2]), randomBytes(2000)]);
    mkdirSync(join(folder, 'sub dir'), { recursive: true });
    writeFileSync(join(folder, 'README.md'), '---\nlicense: mit\n---\n# Model\n');
    writeFileSync(join(folder, 'config.json'), '{"hidden": 8}\n');
    writeFileSync(join(folder, 'empty.txt'), '');
    writeFileSync(join(folder, 'sub dir', 'notes é.txt'), 'notes\n');
    writeFileSync(join(folder, 'model.safetensors'), weights);
    writeFileSync(join(folder, 'sub dir', 'blob.dat'), binary);
    const out = await python(`
api.create_repo("alice/py-upload")
info = api.upload_file(path_or_fileobj=b"hello", path_in_repo="hello.txt", repo_id="alice/py-upload")
out["file"] = {"oid": info.oid, "url": info.commit_url, "repo": info.repo_url.repo_id}
info = api.upload_folder(folder_path=os.path.join(os.environ["WORK"], "folder"), repo_id="alice/py-upload", commit_message="Add the folder")
out["folder"] = {"oid": info.oid, "url": info.commit_url}
`);
    const git = await openGit(hub, 'alice/py-upload');
    const file = out.file as { oid: string; url: string; repo: string };
    const uploaded = out.folder as { oid: string; url: string };
    expect(file.repo).toBe('alice/py-upload');
    expect(gitIn(git, ['rev-parse', 'main^']).trim()).toBe(file.oid);
    expect(uploaded).toEqual({
      oid: revParse(git, 'main'),
      url: `${hub.url}/alice/py-upload/commit/${revParse(git, 'main')}`,
    });
    expect(listFiles(git, 'main')).toEqual(
      [
        '.gitattributes',
        'README.md',
        'config.json',
        'empty.txt',
        'hello.txt',
        'model.safetensors',
        'sub dir/blob.dat',
        'sub dir/notes é.txt',
      ].sort(),
    );
    expect(showFile(git, 'main', 'hello.txt')?.toString()).toBe('hello');
    expect(showFile(git, 'main', 'empty.txt')).toEqual(Buffer.alloc(0));
    expect(showFile(git, 'main', 'sub dir/notes é.txt')?.toString()).toBe('notes\n');
    expect(showFile(git, 'main', 'model.safetensors')?.toString()).toBe(lfsPointerOf(weights));
    expect(showFile(git, 'main', 'sub dir/blob.dat')?.toString()).toBe(lfsPointerOf(binary));
    expect(showFile(git, 'main', '.gitattributes')?.toString()).toContain(
      '/sub[[:space:]]dir/blob.dat filter=lfs diff=lfs merge=lfs -text\n',
    );
    expect(gitIn(git, ['log', '-1', '--format=%s|%an', 'main']).trim()).toBe('Add the folder|alice');
    expect((await git.fsck()).ok).toBe(true);
  });

  it('should refuse invalid README metadata before uploading, and a Windows-style traversal path with 422', async () => {
    const out = await python(`
api.create_repo("alice/py-bad")
try:
    api.upload_file(path_or_fileobj=b"---\\nlicense: [mit\\n---\\n", path_in_repo="README.md", repo_id="alice/py-bad")
    out["readme"] = "uploaded"
except ValueError as error:
    out["readme"] = str(error).splitlines()[0]
out["traversal"] = status_of(lambda: api.upload_file(path_or_fileobj=b"x", path_in_repo="..\\\\ddd", repo_id="alice/py-bad"))
`);
    expect(out).toEqual({ readme: 'Invalid metadata in README.md.', traversal: [422, 'HfHubHTTPError'] });
    const git = await openGit(hub, 'alice/py-bad');
    expect(listFiles(git, 'main')).toEqual(['.gitattributes']);
  });

  it('should apply create_commit with additions and deletions, and map errors (missing file, stale parent)', async () => {
    const out = await python(`
api.create_repo("alice/py-ops")
first = api.create_commit(repo_id="alice/py-ops", commit_message="seed", operations=[
    CommitOperationAdd(path_in_repo="keep.txt", path_or_fileobj=b"k"),
    CommitOperationAdd(path_in_repo="drop.txt", path_or_fileobj=b"d"),
    CommitOperationAdd(path_in_repo="dir/a.txt", path_or_fileobj=b"a"),
    CommitOperationAdd(path_in_repo="tree/b.txt", path_or_fileobj=b"b"),
])
second = api.create_commit(repo_id="alice/py-ops", commit_message="prune", commit_description="details", operations=[
    CommitOperationDelete(path_in_repo="drop.txt"),
    CommitOperationDelete(path_in_repo="dir/"),
    CommitOperationAdd(path_in_repo="new.txt", path_or_fileobj=b"n"),
], parent_commit=first.oid)
api.delete_folder(path_in_repo="tree", repo_id="alice/py-ops")
out["oids"] = [first.oid, second.oid]
out["missing"] = status_of(lambda: api.delete_file(path_in_repo="nope.txt", repo_id="alice/py-ops"))
try:
    api.delete_file(path_in_repo="nope.txt", repo_id="alice/py-ops")
except HfHubHTTPError as error:
    out["missing_message"] = "A file with this name doesn't exist" in str(error)
out["stale"] = status_of(lambda: api.upload_file(path_or_fileobj=b"s", path_in_repo="s.txt", repo_id="alice/py-ops", parent_commit=first.oid))
`);
    const git = await openGit(hub, 'alice/py-ops');
    const [first, second] = out.oids as string[];
    expect(gitIn(git, ['rev-parse', 'main~1']).trim()).toBe(second);
    expect(gitIn(git, ['rev-parse', 'main~2']).trim()).toBe(first);
    expect(listFiles(git, 'main')).toEqual(['.gitattributes', 'keep.txt', 'new.txt']);
    expect(gitIn(git, ['log', '-1', '--format=%B', second]).trim()).toBe('prune\n\ndetails');
    expect(out.missing).toEqual([404, 'RemoteEntryNotFoundError']);
    expect(out.missing_message).toBe(true);
    expect(out.stale).toEqual([412, 'HfHubHTTPError']);
  });

  it('should copy regular and LFS files with CommitOperationCopy, and refuse a missing source', async () => {
    const weights = Buffer.alloc(4096, 7);
    const out = await python(`
api.create_repo("alice/py-copy")
api.create_commit(repo_id="alice/py-copy", commit_message="seed", operations=[
    CommitOperationAdd(path_in_repo="small.txt", path_or_fileobj=b"small"),
    CommitOperationAdd(path_in_repo="weights.safetensors", path_or_fileobj=b"\\x07" * 4096),
])
copied = api.create_commit(repo_id="alice/py-copy", commit_message="copies", operations=[
    CommitOperationCopy(src_path_in_repo="small.txt", path_in_repo="copies/small.txt"),
    CommitOperationCopy(src_path_in_repo="weights.safetensors", path_in_repo="copies/weights.safetensors"),
])
out["oid"] = copied.oid
try:
    api.create_commit(repo_id="alice/py-copy", commit_message="bad", operations=[
        CommitOperationCopy(src_path_in_repo="nope.txt", path_in_repo="x.txt"),
    ])
    out["missing"] = "committed"
except Exception as error:
    out["missing"] = type(error).__name__
`);
    const git = await openGit(hub, 'alice/py-copy');
    expect(out.oid).toBe(revParse(git, 'main'));
    expect(out.missing).toBe('EntryNotFoundError');
    expect(listFiles(git, 'main')).toEqual([
      '.gitattributes',
      'copies/small.txt',
      'copies/weights.safetensors',
      'small.txt',
      'weights.safetensors',
    ]);
    expect(showFile(git, 'main', 'copies/small.txt')?.toString()).toBe('small');
    expect(showFile(git, 'main', 'copies/weights.safetensors')?.toString()).toBe(lfsPointerOf(weights));
    expect(revParse(git, 'main:copies/weights.safetensors')).toBe(revParse(git, 'main:weights.safetensors'));
  });

  it('should create and delete branches and tags, commit to a branch and open pull requests', async () => {
    const out = await python(`
api.create_repo("alice/py-refs")
api.create_branch("alice/py-refs", branch="dev")
api.create_branch("alice/py-refs", branch="dev", exist_ok=True)
out["branch_again"] = status_of(lambda: api.create_branch("alice/py-refs", branch="dev"))
api.create_branch("alice/py-refs", branch="feat/x")
api.upload_file(path_or_fileobj=b"dev only", path_in_repo="dev.txt", repo_id="alice/py-refs", revision="dev")
api.create_tag("alice/py-refs", tag="v1")
api.create_tag("alice/py-refs", tag="v1", exist_ok=True)
out["tag_again"] = status_of(lambda: api.create_tag("alice/py-refs", tag="v1"))
api.create_tag("alice/py-refs", tag="dev-v1", revision="dev", tag_message="from dev")
api.create_tag("alice/py-refs", tag="gone")
api.delete_tag("alice/py-refs", tag="gone")
out["tag_missing"] = status_of(lambda: api.delete_tag("alice/py-refs", tag="gone"))
api.delete_branch("alice/py-refs", branch="feat/x")
out["main_delete"] = status_of(lambda: api.delete_branch("alice/py-refs", branch="main"))
out["branch_missing"] = status_of(lambda: api.delete_branch("alice/py-refs", branch="feat/x"))
pr = api.upload_file(path_or_fileobj=b"proposal", path_in_repo="pr.txt", repo_id="alice/py-refs", create_pr=True)
out["pr"] = {"url": pr.pr_url, "revision": pr.pr_revision, "num": pr.pr_num, "oid": pr.oid}
pr2 = api.upload_file(path_or_fileobj=b"second", path_in_repo="pr2.txt", repo_id="alice/py-refs", create_pr=True)
out["pr2"] = pr2.pr_revision
more = api.upload_file(path_or_fileobj=b"more", path_in_repo="more.txt", repo_id="alice/py-refs", revision=pr.pr_revision)
out["on_pr"] = more.oid
out["pr_on_missing"] = status_of(lambda: api.upload_file(path_or_fileobj=b"x", path_in_repo="x.txt", repo_id="alice/py-refs", revision="missing", create_pr=True))
`);
    const git = await openGit(hub, 'alice/py-refs');
    expect(out).toMatchObject({
      branch_again: [409, 'HfHubHTTPError'],
      tag_again: [409, 'HfHubHTTPError'],
      tag_missing: [404, 'RevisionNotFoundError'],
      main_delete: [403, 'HfHubHTTPError'],
      branch_missing: [404, 'RevisionNotFoundError'],
      pr: { url: `${hub.url}/alice/py-refs/discussions/1`, revision: 'refs/pr/1', num: 1 },
      pr2: 'refs/pr/2',
      pr_on_missing: [404, 'RevisionNotFoundError'],
    });
    expect(listFiles(git, 'refs/heads/dev')).toEqual(['.gitattributes', 'dev.txt']);
    expect(listFiles(git, 'main')).toEqual(['.gitattributes']);
    expect(revParse(git, 'refs/tags/v1')).toBe(revParse(git, 'main'));
    expect(revParse(git, 'refs/tags/dev-v1^{commit}')).toBe(revParse(git, 'refs/heads/dev'));
    expect(gitIn(git, ['for-each-ref', '--format=%(refname)', 'refs/tags', 'refs/heads']).trim().split('\n')).toEqual([
      'refs/heads/dev',
      'refs/heads/main',
      'refs/tags/dev-v1',
      'refs/tags/v1',
    ]);
    expect(gitIn(git, ['rev-parse', 'refs/pr/1~1']).trim()).toBe((out.pr as { oid: string }).oid);
    expect(revParse(git, 'refs/pr/1')).toBe(out.on_pr);
    expect(listFiles(git, 'refs/pr/1')).toEqual(['.gitattributes', 'more.txt', 'pr.txt']);
  });

  it('should super-squash a branch into one commit with the same files', async () => {
    const out = await python(`
api.create_repo("alice/py-squash")
for index in range(3):
    api.upload_file(path_or_fileobj=str(index).encode(), path_in_repo=f"f{index}.txt", repo_id="alice/py-squash")
api.super_squash_history("alice/py-squash")
`);
    expect(out).toEqual({});
    const git = await openGit(hub, 'alice/py-squash');
    expect(gitIn(git, ['rev-list', '--count', 'main']).trim()).toBe('1');
    expect(gitIn(git, ['log', '-1', '--format=%s', 'main']).trim()).toBe(
      "Super-squash branch 'main' using huggingface_hub",
    );
    expect(listFiles(git, 'main')).toEqual(['.gitattributes', 'f0.txt', 'f1.txt', 'f2.txt']);
  });
});
