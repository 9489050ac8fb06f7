import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { HubConfig, loadHubConfig } from 'src/config/hub-config';
import { GitProcess } from 'src/git/git-process';
import { GitCommandError } from 'src/git/git.errors';

function blobSha(content: Buffer): string {
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(`blob ${content.length}\0`), content]))
    .digest('hex');
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

describe(GitProcess.name, () => {
  let dataDir: string;
  let config: HubConfig;
  let sut: GitProcess;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'kohaku-git-process-'));
    config = loadHubConfig({ KOHAKU_HUB_DATA_DIR: dataDir });
    sut = new GitProcess(config);
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('run', () => {
    it('should run git with an argument array and return its output', async () => {
      const result = await sut.run(['--version']);
      expect(result.exitCode).toBe(0);
      expect(result.stdout.toString()).toMatch(/^git version \d+\.\d+/);
    });

    it('should write a Buffer to stdin', async () => {
      const content = Buffer.from('hello\nworld\n');
      expect((await sut.runText(['hash-object', '--stdin'], { stdin: content })).trim()).toBe(blobSha(content));
    });

    it('should pipe a Readable to stdin', async () => {
      const parts = Array.from({ length: 80 }, (_, index) => Buffer.alloc(64 * 1024, index));
      const text = await sut.runText(['hash-object', '--stdin'], { stdin: Readable.from(parts) });
      expect(text.trim()).toBe(blobSha(Buffer.concat(parts)));
    });

    it('should turn a failure into a GitCommandError that keeps stderr and paths out of the message', async () => {
      const secretPath = join(dataDir, 'secret-location', 'missing.git');
      const error = (await sut
        .run(['rev-parse', 'HEAD'], { gitDir: secretPath })
        .catch((e: unknown) => e)) as GitCommandError;
      expect(error).toBeInstanceOf(GitCommandError);
      expect(error.status).toBe(500);
      expect(error.code).toBe('ServerError');
      expect(error.message).toBe('git rev-parse failed');
      expect(error.message).not.toContain(secretPath);
      expect(error.exitCode).toBe(128);
      expect(error.stderr).toMatch(/not a git repository/);
      expect(error.args).toContain(`--git-dir=${secretPath}`);
    });

    it('should accept the exit codes it is told are fine', async () => {
      const result = await sut.run(['check-ref-format', 'refs/heads/a..b'], { okExitCodes: [0, 1] });
      expect(result.exitCode).toBe(1);
    });

    it('should fail with the error of a stdin stream that breaks', async () => {
      const broken = new Readable({
        read() {
          this.push(Buffer.from('partial'));
          this.destroy(new Error('upload aborted'));
        },
      });
      await expect(sut.run(['hash-object', '--stdin'], { stdin: broken })).rejects.toThrow('upload aborted');
    });

    it('should kill a process that runs past its timeout', async () => {
      const started = Date.now();
      const stdin = new PassThrough();
      const error = (await sut
        .run(['hash-object', '--stdin'], { stdin, timeoutMs: 300 })
        .catch((e: unknown) => e)) as GitCommandError;
      expect(error).toBeInstanceOf(GitCommandError);
      expect(error.isTimedOut).toBe(true);
      expect(error.message).toBe('git hash-object failed (timed out)');
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('should kill a process whose output grows past the limit', async () => {
      const error = (await sut.run(['--help'], { maxOutputBytes: 16 }).catch((e: unknown) => e)) as GitCommandError;
      expect(error).toBeInstanceOf(GitCommandError);
      expect(error.isOutputTooLarge).toBe(true);
    });

    it('should give git a hermetic environment plus the additions asked for', async () => {
      const text = await sut.runText(['-c', 'alias.show-env=!env', 'show-env'], {
        env: { GIT_AUTHOR_NAME: 'Someone' },
      });
      const env = new Map(
        text
          .split('\n')
          .filter((line) => line.includes('='))
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      expect(env.get('HOME')).toBe(join(config.git.root, 'home'));
      expect(env.get('GIT_CONFIG_NOSYSTEM')).toBe('1');
      expect(env.get('GIT_TERMINAL_PROMPT')).toBe('0');
      expect(env.get('LC_ALL')).toBe('C');
      expect(env.get('GIT_AUTHOR_NAME')).toBe('Someone');
      expect(env.has('JEST_WORKER_ID')).toBe(false);
      const globalConfig = await sut.run(['config', '--global', '--list'], { okExitCodes: [0, 1, 128] });
      expect(globalConfig.stdout.toString()).toBe('');
    });
  });

  describe('stream', () => {
    it('should stream stdout and resolve the exit', async () => {
      const stream = sut.stream(['--version']);
      expect((await readAll(stream.stdout)).toString()).toMatch(/^git version/);
      expect(await stream.exit).toMatchObject({ exitCode: 0, isAborted: false });
    });

    it('should pipe stdin and hand back a writable stdin on request', async () => {
      const stream = sut.stream(['hash-object', '--stdin'], { stdin: 'pipe' });
      stream.stdin?.end('streamed');
      expect((await readAll(stream.stdout)).toString().trim()).toBe(blobSha(Buffer.from('streamed')));
      await stream.exit;
    });

    it('should destroy stdout with the GitCommandError when git fails', async () => {
      const stream = sut.stream(['rev-parse', 'HEAD'], { gitDir: join(dataDir, 'nope.git') });
      await expect(readAll(stream.stdout)).rejects.toBeInstanceOf(GitCommandError);
      await expect(stream.exit).rejects.toBeInstanceOf(GitCommandError);
    });

    it('should kill the process when the consumer destroys stdout', async () => {
      const stream = sut.stream(['hash-object', '--stdin'], { stdin: 'pipe' });
      stream.stdout.destroy();
      const exit = await stream.exit;
      expect(exit.isAborted).toBe(true);
      expect(exit.signal).toBe('SIGTERM');
    });
  });

  describe('assertGitVersion', () => {
    it('should accept the installed git', async () => {
      expect(await sut.assertGitVersion()).toMatch(/^\d+\.\d+/);
    });

    it('should explain what to do when git cannot be started', async () => {
      const missing = new GitProcess(
        loadHubConfig({ KOHAKU_HUB_DATA_DIR: dataDir, KOHAKU_HUB_GIT_BINARY: join(dataDir, 'no-such-git') }),
      );
      await expect(missing.assertGitVersion()).rejects.toThrow(/needs git 2\.30 or newer.*KOHAKU_HUB_GIT_BINARY/s);
    });

    it('should refuse a git older than 2.30', async () => {
      const fakeGit = join(dataDir, 'old-git');
      writeFileSync(fakeGit, '#!/bin/sh\necho "git version 2.20.1"\n');
      chmodSync(fakeGit, 0o755);
      const old = new GitProcess(loadHubConfig({ KOHAKU_HUB_DATA_DIR: dataDir, KOHAKU_HUB_GIT_BINARY: fakeGit }));
      await expect(old.assertGitVersion()).rejects.toThrow(/is git 2\.20\.1\. Upgrade git/);
    });
  });
});
