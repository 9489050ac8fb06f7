import { PassThrough, Readable } from 'node:stream';
import { CliUsageError, parseCliArgs, readFirstLine, runCli } from 'src/cli';

describe(parseCliArgs.name, () => {
  it('should parse user:create with a password from stdin or an argument', () => {
    expect(
      parseCliArgs(['user:create', '--username', 'u', '--email', 'e@x.org', '--password-stdin', '--admin']),
    ).toEqual({
      command: 'user:create',
      username: 'u',
      email: 'e@x.org',
      password: { from: 'stdin' },
      isAdmin: true,
    });
    expect(parseCliArgs(['user:create', '--username=u', '--email=e@x.org', '--password=p --with=dashes'])).toEqual({
      command: 'user:create',
      username: 'u',
      email: 'e@x.org',
      password: { from: 'argument', value: 'p --with=dashes' },
      isAdmin: false,
    });
  });

  it('should parse token:create with its defaults', () => {
    expect(parseCliArgs(['token:create', '--username', 'u', '--name', 'n'])).toEqual({
      command: 'token:create',
      username: 'u',
      tokenName: 'n',
      role: 'write',
    });
    expect(
      parseCliArgs(['token:create', '--username', 'u', '--name', 'n', '--role', 'read', '--expires-days', '9']),
    ).toEqual({
      command: 'token:create',
      username: 'u',
      tokenName: 'n',
      role: 'read',
      expiresInDays: 9,
    });
  });

  it('should treat no command and --help as a request for help', () => {
    expect(parseCliArgs([])).toEqual({ command: 'help' });
    expect(parseCliArgs(['--help'])).toEqual({ command: 'help' });
  });

  it.each([
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['user:create', '--username', 'u', '--email', 'e@x.org'], 'give exactly one of --password-stdin and --password'],
    [['user:create', '--username', 'u', '--email', 'e', '--password', 'p', '--password-stdin'], 'give exactly one of'],
    [['user:create', '--email', 'e', '--password', 'p'], '--username is required'],
    [['user:create', '--username', 'u', '--email', '--password', 'p'], '--email needs a value'],
    [['user:create', '--username', 'u', '--username', 'v'], '--username is given twice'],
    [['user:create', '--admin=yes'], '--admin takes no value'],
    [['token:create', '--username', 'u', '--name', 'n', '--role', 'admin'], '--role must be "read" or "write"'],
    [
      ['token:create', '--username', 'u', '--name', 'n', '--expires-days', '0'],
      '--expires-days must be a whole number',
    ],
    [
      ['token:create', '--username', 'u', '--name', 'n', '--expires-days', '1.5'],
      '--expires-days must be a whole number',
    ],
    [['token:create', '--username', 'u', '--name', 'n', '--admin'], 'unknown option --admin for token:create'],
    [['token:create', 'stray'], 'unexpected argument "stray"'],
  ])('should reject %j', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});

describe(readFirstLine.name, () => {
  it('should return the first line without its line ending', async () => {
    await expect(readFirstLine(Readable.from(['secret pass', 'word\r\nnext line\n']))).resolves.toBe('secret password');
    await expect(readFirstLine(Readable.from(['no newline']))).resolves.toBe('no newline');
  });
});

describe(runCli.name, () => {
  it('should exit with 2 on a usage error without opening the hub', async () => {
    const stderr = new PassThrough();
    let text = '';
    stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const openContext = jest.fn();
    const code = await runCli(
      ['token:create'],
      { stdin: Readable.from([]), stdout: new PassThrough(), stderr },
      openContext,
    );
    expect(code).toBe(2);
    expect(openContext).not.toHaveBeenCalled();
    expect(text).toContain('error: --username is required');
  });
});
