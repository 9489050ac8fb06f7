import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWriterHub, openGit, revParse, Writer } from 'test/e2e/commit-helpers';
import { GitClient } from 'test/e2e/git-client-helpers';
import { hfClientEnv, runHfScript } from 'test/utils/python';
import { TestHub } from 'test/utils/test-hub';

/**
 * One history across clients: files uploaded with Python `huggingface_hub` are what `git clone`
 * checks out, and what `git push` sends is what `hf_hub_download` returns, under the same commit
 * sha in `X-Repo-Commit`, the commit list and repo info.
 */
describe.each(['fs', 's3'] as const)('round trip between huggingface_hub and git (%s storage)', (storage) => {
  let hub: TestHub;
  let alice: Writer;
  let workDir: string;
  let client: GitClient;

  beforeAll(async () => {
    [hub, alice] = await createWriterHub(['alice'], { storage });
    workDir = mkdtempSync(join(tmpdir(), 'kohaku-git-roundtrip-'));
    client = await GitClient.create('alice');
    client.useCredentials('alice', alice.token);
  });

  afterAll(async () => {
    client?.cleanup();
    rmSync(workDir, { recursive: true, force: true });
    await hub?.close();
  });

  function python(body: string): Promise<Record<string, unknown>> {
    return runHfScript([body], { ...hfClientEnv(hub.url, alice.token, workDir), HF_HUB_DISABLE_PROGRESS_BARS: '1' });
  }

  it('should round-trip Python upload → git clone, edit, push → hf_hub_download with the pushed sha', async () => {
    const folder = join(workDir, 'upload');
    mkdirSync(folder, { recursive: true });
    const weights = randomBytes(400 * 1024);
    writeFileSync(join(folder, 'config.json'), '{"hidden_size": 8}\n');
    writeFileSync(join(folder, 'model.safetensors'), weights);
    const uploaded = await python(`
api.create_repo("alice/roundtrip")
info = api.upload_folder(folder_path=os.path.join(os.environ["WORK"], "upload"), repo_id="alice/roundtrip", commit_message="Upload model")
out["commit"] = info.oid
`);

    await client.git(['clone', `${hub.url}/alice/roundtrip`, 'roundtrip']);
    const cwd = client.path('roundtrip');
    expect((await client.git(['rev-parse', 'HEAD'], { cwd })).trim()).toBe(uploaded.commit);
    expect(readFileSync(join(cwd, 'model.safetensors'))).toEqual(weights);
    expect(readFileSync(join(cwd, 'config.json'), 'utf8')).toBe('{"hidden_size": 8}\n');

    const newWeights = randomBytes(500 * 1024);
    const newConfig = '{"hidden_size": 16}\n';
    writeFileSync(join(cwd, 'model.safetensors'), newWeights);
    writeFileSync(join(cwd, 'config.json'), newConfig);
    await client.git(['commit', '-q', '-am', 'Retrain with a wider layer'], { cwd });
    await client.git(['push', 'origin', 'main'], { cwd });
    const pushed = (await client.git(['rev-parse', 'HEAD'], { cwd })).trim();
    expect(revParse(await openGit(hub, 'alice/roundtrip'), 'main')).toBe(pushed);

    const downloaded = await python(`
from huggingface_hub import hf_hub_download, hf_hub_url, get_hf_file_metadata
for name in ["config.json", "model.safetensors"]:
    path = hf_hub_download("alice/roundtrip", name, cache_dir=os.path.join(os.environ["WORK"], "cache"))
    out[name] = open(path, "rb").read().hex()
    out[name + ":commit"] = get_hf_file_metadata(hf_hub_url("alice/roundtrip", name)).commit_hash
commits = api.list_repo_commits("alice/roundtrip")
out["history"] = [commit.commit_id for commit in commits]
out["titles"] = [commit.title for commit in commits]
out["authors"] = commits[0].authors
out["sha"] = api.model_info("alice/roundtrip").sha
`);

    expect(downloaded['config.json']).toBe(Buffer.from(newConfig).toString('hex'));
    expect(downloaded['model.safetensors']).toBe(newWeights.toString('hex'));
    expect(downloaded['config.json:commit']).toBe(pushed);
    expect(downloaded['model.safetensors:commit']).toBe(pushed);
    expect(downloaded.history).toEqual([pushed, uploaded.commit, expect.any(String)]);
    expect(downloaded.titles).toEqual(['Retrain with a wider layer', 'Upload model', 'initial commit']);
    expect(downloaded.authors).toEqual(['alice']);
    expect(downloaded.sha).toBe(pushed);
  });
});
