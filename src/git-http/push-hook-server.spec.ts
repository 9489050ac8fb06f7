import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubConfig } from 'src/config/hub-config';
import { HookCall, PushHookServer } from 'src/git-http/push-hook-server';

interface HookRun {
  exitCode: number | null;
  stderr: string;
}

/** Runs an installed hook the way git does: the wrapper script, ref lines on stdin, git's environment. */
function runHook(server: PushHookServer, phase: string, env: Record<string, string>, stdin: string): Promise<HookRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(server.hooksPath, phase), [], { env: { PATH: '/usr/bin:/bin', ...env } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stderr }));
    child.stdin.end(stdin);
  });
}

describe(PushHookServer.name, () => {
  let root: string;
  let sut: PushHookServer;
  const updates = `${'a'.repeat(40)} ${'b'.repeat(40)} refs/heads/main\n`;

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'kh-hook-server-'));
    sut = new PushHookServer({ git: { root } } as HubConfig);
    await sut.onModuleInit();
  });

  afterEach(async () => {
    await sut.onModuleDestroy();
    rmSync(root, { recursive: true, force: true });
  });

  it('should install executable pre-receive and post-receive wrappers in the git root', () => {
    for (const phase of ['pre-receive', 'post-receive']) {
      const path = join(root, 'hooks', phase);
      expect(readFileSync(path, 'utf8')).toContain(`"$KOHAKU_PUSH_HOOK_SCRIPT" ${phase}`);
      expect(statSync(path).mode & 0o111).toBe(0o111);
    }
  });

  it("should hand git's input to the push's handler and relay its messages and verdict", async () => {
    const calls: HookCall[] = [];
    const push = sut.register((call, say) => {
      calls.push(call);
      say('error: first line');
      say('error: second line');
      return Promise.resolve(call.phase === 'post-receive');
    });

    const refused = await runHook(sut, 'pre-receive', { ...push.env, GIT_QUARANTINE_PATH: '/q' }, updates);
    const accepted = await runHook(sut, 'post-receive', push.env, updates);

    expect(refused).toEqual({ exitCode: 1, stderr: 'error: first line\nerror: second line\n' });
    expect(accepted.exitCode).toBe(0);
    expect(calls).toEqual([
      { phase: 'pre-receive', quarantine: '/q', updates },
      { phase: 'post-receive', quarantine: null, updates },
    ]);
  });

  it('should refuse hooks of unknown or released pushes, and when the handler fails', async () => {
    const push = sut.register(() => Promise.reject(new Error('database down')));
    const failed = await runHook(sut, 'pre-receive', push.env, updates);
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toMatch(/the hub failed while checking this push; nothing was changed/);

    push.release();
    const released = await runHook(sut, 'pre-receive', push.env, updates);
    expect(released.exitCode).toBe(1);
    expect(released.stderr).toMatch(/unknown to the hub/);

    const forged = await runHook(sut, 'pre-receive', { ...push.env, KOHAKU_PUSH_HOOK_TOKEN: 'f'.repeat(64) }, updates);
    expect(forged.exitCode).toBe(1);
  });

  it('should refuse the push when the hub cannot be reached, and remove its runtime folder on shutdown', async () => {
    const push = sut.register(() => Promise.resolve(true));
    const socketDir = join(push.env.KOHAKU_PUSH_HOOK_SOCKET, '..');
    const unreachable = await runHook(
      sut,
      'pre-receive',
      { ...push.env, KOHAKU_PUSH_HOOK_SOCKET: join(root, 'nothing.sock') },
      updates,
    );
    expect(unreachable.exitCode).toBe(1);
    expect(unreachable.stderr).toMatch(/the hub could not check this push/);

    await sut.onModuleDestroy();
    expect(existsSync(socketDir)).toBe(false);
    await sut.onModuleInit();
  });
});
