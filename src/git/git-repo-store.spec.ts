import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubConfig, loadHubConfig } from 'src/config/hub-config';
import { CatFilePool } from 'src/git/cat-file-pool';
import { GitProcess } from 'src/git/git-process';
import { GitObjectCache } from 'src/git/git-object-cache';
import { GitRepoStore } from 'src/git/git-repo-store';
import { InvalidGitIdError } from 'src/git/git.errors';

describe(GitRepoStore.name, () => {
  let dataDir: string;
  let config: HubConfig;
  let pool: CatFilePool;
  let sut: GitRepoStore;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'kohaku-repo-store-'));
    config = loadHubConfig({ KOHAKU_HUB_DATA_DIR: dataDir });
    const gitProcess = new GitProcess(config);
    pool = new CatFilePool(config, gitProcess);
    sut = new GitRepoStore(config, gitProcess, pool, new GitObjectCache());
  });

  afterEach(async () => {
    await pool.onModuleDestroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should shard repositories by the first characters of their storage id', () => {
    expect(sut.pathFor('abcdef0123')).toBe(join(config.git.root, 'repos', 'ab', 'cd', 'abcdef0123.git'));
    const uuid = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(sut.pathFor(uuid)).toBe(join(config.git.root, 'repos', '0f', '8f', `${uuid}.git`));
  });

  it.each(['', 'abc', 'ABCDEF01', '../etc', 'ab/cd', 'abcd-', '-abcd', 'ab--cd', 'abcd efgh', 'a'.repeat(65)])(
    'should refuse the storage id %p',
    async (id) => {
      expect(() => sut.pathFor(id)).toThrow(InvalidGitIdError);
      await expect(sut.create(id)).rejects.toBeInstanceOf(InvalidGitIdError);
      await expect(sut.exists(id)).rejects.toBeInstanceOf(InvalidGitIdError);
      await expect(sut.remove(id)).rejects.toBeInstanceOf(InvalidGitIdError);
    },
  );

  it('should lay out the root and sweep only old leftovers', async () => {
    const staging = join(config.git.root, 'staging');
    const trash = join(config.git.root, 'trash');
    mkdirSync(join(staging, 'old.git'), { recursive: true });
    mkdirSync(join(trash, 'old.git'), { recursive: true });
    mkdirSync(join(trash, 'fresh.git'), { recursive: true });
    writeFileSync(join(trash, 'old.git', 'HEAD'), 'ref: refs/heads/main\n');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(join(staging, 'old.git'), twoHoursAgo, twoHoursAgo);
    utimesSync(join(trash, 'old.git'), twoHoursAgo, twoHoursAgo);

    await sut.prepare();

    expect(existsSync(join(config.git.root, 'repos'))).toBe(true);
    expect(existsSync(join(staging, 'old.git'))).toBe(false);
    expect(existsSync(join(trash, 'old.git'))).toBe(false);
    expect(existsSync(join(trash, 'fresh.git'))).toBe(true);
  });

  it('should run git for the health check only until it has succeeded once', async () => {
    const version = jest.spyOn(GitProcess.prototype, 'version');

    const first = await sut.healthCheck();
    const second = await sut.healthCheck();

    expect(first).toEqual({ isHealthy: true, gitVersion: expect.stringMatching(/\d+\.\d+/) });
    expect(second).toEqual(first);
    expect(version).toHaveBeenCalledTimes(1);
    version.mockRestore();
  });

  it('should report unhealthy when the git root cannot be written', async () => {
    await sut.prepare();
    const staging = join(config.git.root, 'staging');
    rmSync(staging, { recursive: true, force: true });
    writeFileSync(staging, 'not a folder');

    const health = await sut.healthCheck();

    expect(health.isHealthy).toBe(false);
    expect(health.message).toBe('The git storage folder is not writable');
    expect(health.message).not.toContain(dataDir);
  });
});
