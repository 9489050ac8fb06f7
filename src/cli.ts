import { ConsoleLogger, INestApplicationContext, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from 'src/app.module';
import { AccessTokensService } from 'src/auth/access-tokens.service';
import { AccountsService } from 'src/auth/accounts.service';
import { UsersService } from 'src/auth/users.service';
import { TokenRole } from 'src/common/auth-user';
import { HubError } from 'src/common/errors/hub-error';

export const CLI_USAGE = `usage:
  npm run cli -- user:create --username NAME --email EMAIL (--password-stdin | --password PASSWORD) [--admin]
  npm run cli -- token:create --username NAME --name TOKEN_NAME [--role read|write] [--expires-days N]

token:create prints only the new token on stdout.`;

export interface UserCreateCommand {
  command: 'user:create';
  username: string;
  email: string;
  /** `stdin`: read the password from standard input (first line), so it stays out of shell history and `ps`. */
  password: { from: 'stdin' } | { from: 'argument'; value: string };
  isAdmin: boolean;
}

export interface TokenCreateCommand {
  command: 'token:create';
  username: string;
  tokenName: string;
  role: TokenRole;
  expiresInDays?: number;
}

export type CliCommand = UserCreateCommand | TokenCreateCommand | { command: 'help' };

export class CliUsageError extends Error {}

const FLAGS_BY_COMMAND: Record<string, { values: string[]; switches: string[] }> = {
  'user:create': { values: ['username', 'email', 'password'], switches: ['password-stdin', 'admin'] },
  'token:create': { values: ['username', 'name', 'role', 'expires-days'], switches: [] },
};

function readFlags(command: string, args: string[]): Map<string, string | true> {
  const allowed = FLAGS_BY_COMMAND[command];
  const flags = new Map<string, string | true>();
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!match) {
      throw new CliUsageError(`unexpected argument "${arg}"`);
    }
    const [, name, inline] = match;
    if (flags.has(name)) {
      throw new CliUsageError(`--${name} is given twice`);
    }
    if (allowed.switches.includes(name)) {
      if (inline !== undefined) {
        throw new CliUsageError(`--${name} takes no value`);
      }
      flags.set(name, true);
    } else if (allowed.values.includes(name)) {
      const value = inline ?? args[++index];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) {
        throw new CliUsageError(`--${name} needs a value`);
      }
      flags.set(name, value);
    } else {
      throw new CliUsageError(`unknown option --${name} for ${command}`);
    }
  }
  return flags;
}

function required(flags: Map<string, string | true>, name: string): string {
  const value = flags.get(name);
  if (typeof value !== 'string' || value.trim() === '') {
    throw new CliUsageError(`--${name} is required`);
  }
  return value;
}

/** Parses `process.argv.slice(2)`; throws `CliUsageError` with a sentence saying what is wrong. */
export function parseCliArgs(argv: string[]): CliCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    return { command: 'help' };
  }
  if (!(command in FLAGS_BY_COMMAND)) {
    throw new CliUsageError(`unknown command "${command}"`);
  }
  const flags = readFlags(command, rest);
  if (command === 'user:create') {
    const fromStdin = flags.get('password-stdin') === true;
    const given = flags.get('password');
    if (fromStdin === (given !== undefined)) {
      throw new CliUsageError('give exactly one of --password-stdin and --password');
    }
    return {
      command,
      username: required(flags, 'username'),
      email: required(flags, 'email'),
      password: fromStdin ? { from: 'stdin' } : { from: 'argument', value: given as string },
      isAdmin: flags.get('admin') === true,
    };
  }
  const role = flags.get('role') ?? 'write';
  if (role !== 'read' && role !== 'write') {
    throw new CliUsageError('--role must be "read" or "write"');
  }
  const days = flags.get('expires-days');
  if (
    days !== undefined &&
    (typeof days !== 'string' || !/^\d+$/.test(days) || Number(days) < 1 || Number(days) > 3650)
  ) {
    throw new CliUsageError('--expires-days must be a whole number from 1 to 3650');
  }
  return {
    command: 'token:create',
    username: required(flags, 'username'),
    tokenName: required(flags, 'name'),
    role,
    ...(days === undefined ? {} : { expiresInDays: Number(days) }),
  };
}

export interface CreatedUserSummary {
  id: number;
  username: string;
  isAdmin: boolean;
}

/** Creates an account regardless of the registration mode (name, email and password rules still apply). */
export async function createUserCommand(
  app: INestApplicationContext,
  input: { username: string; email: string; password: string; isAdmin: boolean },
): Promise<CreatedUserSummary> {
  const user = await app.get(AccountsService).createAccount(input);
  return { id: user.id, username: user.username, isAdmin: user.isAdmin };
}

/** Mints an API token for a user and returns its secret. */
export async function createTokenCommand(
  app: INestApplicationContext,
  input: Omit<TokenCreateCommand, 'command'>,
): Promise<string> {
  const user = await app.get(UsersService).getUserByName(input.username);
  const created = await app.get(AccessTokensService).createForUser(user.id, {
    name: input.tokenName,
    role: input.role,
    expiresInDays: input.expiresInDays,
  });
  return created.token;
}

/** The first line of standard input, without its line ending. */
export async function readFirstLine(input: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of input) {
    text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (text.includes('\n')) {
      break;
    }
  }
  return text.split(/\r?\n/)[0];
}

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface CliContext {
  app: INestApplicationContext;
  close(): Promise<void>;
}

/** Nest's console logger, but on stderr: stdout carries only the command's result (a token must be pipeable). */
class StderrLogger extends ConsoleLogger {
  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    _writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
  ): void {
    super.printMessages(messages, context, logLevel, 'stderr', errorStack);
  }
}

async function openHubContext(): Promise<CliContext> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(), {
    logger: new StderrLogger({ logLevels: ['error'] }),
  });
  return { app, close: () => app.close() };
}

/** Runs one CLI invocation and returns the exit code: 0 done, 1 refused or failed, 2 usage error. */
export async function runCli(
  argv: string[],
  io: CliIo,
  openContext: () => Promise<CliContext> = openHubContext,
): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCliArgs(argv);
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.stderr.write(`error: ${error.message}\n\n${CLI_USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (command.command === 'help') {
    io.stdout.write(`${CLI_USAGE}\n`);
    return 0;
  }
  const password =
    command.command === 'user:create'
      ? command.password.from === 'stdin'
        ? await readFirstLine(io.stdin)
        : command.password.value
      : '';
  const context = await openContext();
  try {
    if (command.command === 'user:create') {
      const user = await createUserCommand(context.app, { ...command, password });
      io.stdout.write(`Created ${user.isAdmin ? 'administrator' : 'user'} ${user.username} (id ${user.id})\n`);
    } else {
      io.stdout.write(`${await createTokenCommand(context.app, command)}\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof HubError) {
      io.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await context.close();
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), process).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
