import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { loadHubConfig } from 'src/config/hub-config';
import { CatFilePool } from 'src/git/cat-file-pool';
import { GitProcess } from 'src/git/git-process';
import { InvalidGitIdError } from 'src/git/git.errors';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Pids of this test's own `git cat-file` children serving one repository. */
function catFilePids(gitDir: string): number[] {
  return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes('cat-file') && line.includes(gitDir))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

describe(CatFilePool.name, () => {
  let dataDir: string;
  let gitProcess: GitProcess;
  let sut: CatFilePool;
  const repos: { gitDir: string; small: string; big: string; bigContent: Buffer }[] = [];

  async function writeBlob(gitDir: string, content: Buffer): Promise<string> {
    return (await gitProcess.runText(['hash-object', '-w', '--stdin'], { gitDir, stdin: content })).trim();
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kohaku-cat-file-'));
    const config = loadHubConfig({ KOHAKU_HUB_DATA_DIR: dataDir, KOHAKU_HUB_GIT_CAT_FILE_POOL: '2' });
    gitProcess = new GitProcess(config);
    for (let index = 0; index < 3; index++) {
      const gitDir = join(dataDir, `repo-${index}.git`);
      await gitProcess.run(['init', '--quiet', '--bare', gitDir]);
      const bigContent = randomBytes(1024 * 1024 + 17);
      repos.push({
        gitDir,
        small: await writeBlob(gitDir, Buffer.from(`small ${index}`)),
        big: await writeBlob(gitDir, bigContent),
        bigContent,
      });
    }
    sut = new CatFilePool(config, gitProcess);
  });

  afterEach(async () => {
    await sut.onModuleDestroy();
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should read headers and contents, and answer null for missing objects', async () => {
    const [repo] = repos;
    expect(await sut.readObjectHeader(repo.gitDir, repo.big)).toEqual({
      oid: repo.big,
      type: 'blob',
      size: repo.bigContent.length,
    });
    const object = (await sut.readObject(repo.gitDir, repo.small))!;
    expect(object.type).toBe('blob');
    expect((await readAll(object.body)).toString()).toBe('small 0');
    expect(await sut.readObject(repo.gitDir, 'f'.repeat(40))).toBeNull();
    expect(await sut.readObjectHeader(repo.gitDir, 'f'.repeat(40))).toBeNull();
    await expect(sut.readObject(repo.gitDir, 'HEAD')).rejects.toBeInstanceOf(InvalidGitIdError);
    await expect(sut.readObject(repo.gitDir, `${repo.small}\n${repo.big}`)).rejects.toBeInstanceOf(InvalidGitIdError);
  });

  it('should reuse one process for sequential reads of a repository', async () => {
    const [repo] = repos;
    for (let round = 0; round < 5; round++) {
      expect((await readAll((await sut.readObject(repo.gitDir, repo.small))!.body)).toString()).toBe('small 0');
    }
    expect(sut.size).toBe(1);
  });

  it('should never keep more processes than its capacity', async () => {
    for (let round = 0; round < 3; round++) {
      for (const repo of repos) {
        const object = (await sut.readObject(repo.gitDir, repo.big))!;
        expect((await readAll(object.body)).equals(repo.bigContent)).toBe(true);
        expect(sut.size).toBeLessThanOrEqual(2);
      }
    }
  });

  it('should serialize requests on a process: a held stream delays the next read until consumed', async () => {
    const config = loadHubConfig({ KOHAKU_HUB_DATA_DIR: dataDir, KOHAKU_HUB_GIT_CAT_FILE_POOL: '1' });
    const single = new CatFilePool(config, gitProcess);
    try {
      const [repo] = repos;
      const held = (await single.readObject(repo.gitDir, repo.big))!;
      let isSecondDone = false;
      const second = single.readObject(repo.gitDir, repo.small).then(async (object) => {
        isSecondDone = true;
        return (await readAll(object!.body)).toString();
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(isSecondDone).toBe(false);

      expect((await readAll(held.body)).equals(repo.bigContent)).toBe(true);
      expect(await second).toBe('small 0');
      expect(single.size).toBe(1);
    } finally {
      await single.onModuleDestroy();
    }
  });

  it('should kill and replace a process whose stream was destroyed early', async () => {
    const [repo] = repos;
    const partial = (await sut.readObject(repo.gitDir, repo.big))!;
    await new Promise((resolve) => partial.body.once('data', resolve));
    const [pid] = catFilePids(repo.gitDir);
    partial.body.destroy();

    const again = (await sut.readObject(repo.gitDir, repo.big))!;
    expect((await readAll(again.body)).equals(repo.bigContent)).toBe(true);
    expect(catFilePids(repo.gitDir)).not.toContain(pid);
  });

  it('should transparently replace a process that crashed between requests', async () => {
    const [repo] = repos;
    await readAll((await sut.readObject(repo.gitDir, repo.small))!.body);
    const pids = catFilePids(repo.gitDir);
    expect(pids).toHaveLength(1);
    process.kill(pids[0], 'SIGKILL');

    const object = (await sut.readObject(repo.gitDir, repo.small))!;
    expect((await readAll(object.body)).toString()).toBe('small 0');
    expect(await sut.readObjectHeader(repo.gitDir, repo.small)).toMatchObject({ type: 'blob' });
  });

  it('should close idle processes and start new ones on demand', async () => {
    const [first, second] = repos;
    await readAll((await sut.readObject(first.gitDir, first.small))!.body);
    await sut.readObjectHeader(second.gitDir, second.small);
    expect(sut.size).toBe(2);

    expect(sut.closeIdle(0)).toBe(2);
    expect(sut.size).toBe(0);

    expect((await readAll((await sut.readObject(first.gitDir, first.small))!.body)).toString()).toBe('small 0');
  });

  it('should stop the processes of a repository that is closed', async () => {
    const [repo] = repos;
    await readAll((await sut.readObject(repo.gitDir, repo.small))!.body);
    expect(sut.size).toBe(1);
    sut.closeRepository(repo.gitDir);
    expect(sut.size).toBe(0);
  });
});
