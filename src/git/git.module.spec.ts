import { Test } from '@nestjs/testing';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigModule } from 'src/config/config.module';
import { CatFilePool } from 'src/git/cat-file-pool';
import { GitProcess } from 'src/git/git-process';
import { GitRepoStore } from 'src/git/git-repo-store';
import { GitModule } from 'src/git/git.module';

describe(GitModule.name, () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'kohaku-git-module-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should check git, create the git root and export its providers', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot({ KOHAKU_HUB_DATA_DIR: dataDir }), GitModule],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      expect(existsSync(join(dataDir, 'git', 'repos'))).toBe(true);
      expect(moduleRef.get(GitProcess)).toBeInstanceOf(GitProcess);
      expect(moduleRef.get(CatFilePool)).toBeInstanceOf(CatFilePool);
      const store = moduleRef.get(GitRepoStore);
      const repo = await store.create('feedc0de');
      const blob = await repo.writeBlob(Buffer.from('x'));
      expect(await repo.readBlobHeader(blob)).toEqual({ type: 'blob', size: 1 });
      expect(moduleRef.get(CatFilePool).size).toBe(1);
    } finally {
      await app.close();
    }
    expect(moduleRef.get(CatFilePool).size).toBe(0);
  });

  it('should fail to boot with a clear message when git is missing', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ KOHAKU_HUB_DATA_DIR: dataDir, KOHAKU_HUB_GIT_BINARY: join(dataDir, 'no-git') }),
        GitModule,
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await expect(app.init()).rejects.toThrow(/needs git 2\.30 or newer/);
    await app.close();
  });
});
