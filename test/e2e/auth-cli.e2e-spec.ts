import { PassThrough, Readable } from 'node:stream';
import request from 'supertest';
import { createTokenCommand, createUserCommand, runCli } from 'src/cli';
import { createTestHub, TestHub } from 'test/utils/test-hub';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

describe('CLI: user:create and token:create', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await createTestHub({ env: { KOHAKU_HUB_BCRYPT_COST: '10', KOHAKU_HUB_REGISTRATION: 'closed' } });
  });

  afterAll(async () => {
    await hub.close();
  });

  /** Runs the CLI in-process against the test hub's application context (which it must not close). */
  async function cli(argv: string[], stdin = ''): Promise<CliRun> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    const code = await runCli(argv, { stdin: Readable.from([stdin]), stdout, stderr }, () =>
      Promise.resolve({ app: hub.app, close: () => Promise.resolve() }),
    );
    return { code, stdout: out, stderr: err };
  }

  it('should create a user with the password from stdin, whatever the registration mode', async () => {
    const run = await cli(
      ['user:create', '--username', 'opal', '--email', 'opal@example.com', '--password-stdin', '--admin'],
      'a long password from stdin\n',
    );
    expect(run).toEqual({
      code: 0,
      stdout: expect.stringMatching(/^Created administrator opal \(id \d+\)\n$/),
      stderr: '',
    });
    const login = await request(hub.url)
      .post('/api/auth/login')
      .send({ username: 'opal', password: 'a long password from stdin' })
      .expect(200);
    expect(login.body.user).toMatchObject({ username: 'opal', isAdmin: true });
  });

  it('should print only the minted token on stdout', async () => {
    await cli(['user:create', '--username=pete', '--email=pete@example.com', '--password=another long password']);
    const run = await cli([
      'token:create',
      '--username',
      'pete',
      '--name',
      'deploy',
      '--role',
      'read',
      '--expires-days',
      '30',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^hf_[A-Za-z0-9]{37}\n$/);
    const whoami = await request(hub.url)
      .get('/api/whoami-v2')
      .set('Authorization', `Bearer ${run.stdout.trim()}`)
      .expect(200);
    expect(whoami.body).toMatchObject({
      name: 'pete',
      auth: { type: 'access_token', accessToken: { displayName: 'deploy', role: 'read' } },
    });
    expect(Date.parse(whoami.body.auth.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);
  });

  it('should report refusals on stderr with exit code 1', async () => {
    const duplicate = await cli([
      'user:create',
      '--username',
      'opal',
      '--email',
      'o2@example.com',
      '--password',
      'long enough!',
    ]);
    expect(duplicate).toEqual({ code: 1, stdout: '', stderr: 'error: Name "opal" is already taken by a user\n' });
    const weak = await cli(['user:create', '--username', 'quentin', '--email', 'q@example.com', '--password', 'short']);
    expect(weak).toEqual({ code: 1, stdout: '', stderr: 'error: Password must be at least 8 characters long\n' });
    const unknown = await cli(['token:create', '--username', 'nobody', '--name', 'x']);
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: 'error: User not found: nobody\n' });
  });

  it('should answer usage errors with exit code 2 and the usage text', async () => {
    const run = await cli(['token:create', '--username', 'pete']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error: --name is required\n\nusage:/);
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('token:create --username NAME --name TOKEN_NAME');
  });

  it('should export the command functions for in-process use', async () => {
    const user = await createUserCommand(hub.app, {
      username: 'rosa',
      email: 'rosa@example.com',
      password: 'rosa password 1',
      isAdmin: false,
    });
    expect(user).toEqual({ id: expect.any(Number), username: 'rosa', isAdmin: false });
    const token = await createTokenCommand(hub.app, { username: 'rosa', tokenName: 'script', role: 'write' });
    const whoami = await request(hub.url).get('/api/whoami-v2').set('Authorization', `Bearer ${token}`).expect(200);
    expect(whoami.body.auth.accessToken).toMatchObject({ displayName: 'script', role: 'write' });
  });
});
