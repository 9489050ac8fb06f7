import { Injectable } from '@nestjs/common';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { HubConfig } from 'src/config/hub-config';
import { GitCommandError } from 'src/git/git.errors';

export const MIN_GIT_VERSION = { major: 2, minor: 30 } as const;

const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
const MAX_STDERR_BYTES = 64 * 1024;
/** git removes its lock files on SIGTERM; SIGKILL only follows if it does not exit in time. */
const KILL_GRACE_MS = 5_000;
/**
 * The child gets a fixed PATH rather than the server's: the git binary is found here unless
 * `KOHAKU_HUB_GIT_BINARY` names an absolute path, whose folder is then searched first.
 */
const STANDARD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface GitSpawnOptions {
  /** Passed as `--git-dir=<gitDir>`, so git never discovers a repository from the working directory. */
  gitDir?: string;
  cwd?: string;
  /** Added to the safe base environment (for example `GIT_AUTHOR_NAME`, `GIT_PROTOCOL`). */
  env?: Readonly<Record<string, string>>;
  /** Kill the process after this many milliseconds; 0 disables. Defaults to `config.git.timeoutMs`. */
  timeoutMs?: number;
  /** Exit codes that count as success. Defaults to `[0]`. */
  okExitCodes?: readonly number[];
}

export interface GitRunOptions extends GitSpawnOptions {
  /** Written to the child's stdin; a Readable is piped with backpressure and its errors fail the run. */
  stdin?: Buffer | string | Readable;
  /** The run fails (and the process is killed) if stdout grows beyond this. Defaults to 16 MiB. */
  maxOutputBytes?: number;
}

export interface GitRunResult {
  exitCode: number;
  stdout: Buffer;
  stderr: string;
}

export interface GitStreamOptions extends GitSpawnOptions {
  /** `'pipe'` hands the child's stdin to the caller as `GitStream.stdin`. */
  stdin?: Buffer | Readable | 'pipe';
}

export interface GitExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** True when the caller ended the process early (`kill()` or destroying `stdout`). */
  isAborted: boolean;
}

export interface GitStream {
  /**
   * The child's stdout. It ends only after git exited successfully; if git fails, it is destroyed
   * with the `GitCommandError`, so a consumer using `pipeline()` never mistakes a truncated output
   * for a complete one. Destroying it early kills the process.
   */
  readonly stdout: Readable;
  /** The child's stdin when the stream was opened with `stdin: 'pipe'`, otherwise null. */
  readonly stdin: Writable | null;
  /** Resolves when the process has exited; rejects with `GitCommandError` on failure (never on abort). */
  readonly exit: Promise<GitExit>;
  kill(): void;
}

interface ChildOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  spawnError?: Error;
}

interface Supervised {
  child: ChildProcess;
  /** Resolves once the process is gone and its stdio closed; never rejects. */
  closed: Promise<ChildOutcome>;
  stderr(): string;
  /** The error of a caller-provided stdin stream, which takes precedence over the exit status. */
  stdinError(): Error | undefined;
  isTimedOut(): boolean;
  terminate(): void;
}

/**
 * The one place that starts git. Arguments are always an array (no shell), every child gets a
 * hermetic environment, and failures become `GitCommandError`s.
 */
@Injectable()
export class GitProcess {
  private readonly homeDir: string;
  private readonly baseEnv: Readonly<Record<string, string>>;
  private isHomeReady = false;

  constructor(private readonly config: HubConfig) {
    this.homeDir = join(config.git.root, 'home');
    const binary = config.git.binary;
    this.baseEnv = {
      PATH: isAbsolute(binary) ? `${dirname(binary)}:${STANDARD_PATH}` : STANDARD_PATH,
      // An empty HOME and no system config: the server user's ~/.gitconfig and /etc/gitconfig
      // can never change how repositories are written or served.
      HOME: this.homeDir,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_ATTR_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      // Stable, untranslated messages: some errors are recognised by their stderr text.
      LC_ALL: 'C',
      // Paths are data, never pathspec magic (`:(glob)`, `:!x`) or wildcards.
      GIT_LITERAL_PATHSPECS: '1',
      GIT_NO_REPLACE_OBJECTS: '1',
      GIT_CEILING_DIRECTORIES: config.git.root,
    };
  }

  /** Runs git to completion and collects its output; for small outputs. */
  async run(args: readonly string[], options: GitRunOptions = {}): Promise<GitRunResult> {
    const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    const stdin = typeof options.stdin === 'string' ? Buffer.from(options.stdin, 'utf8') : options.stdin;
    const supervised = this.supervise(args, options, stdin);
    const { child } = supervised;
    const chunks: Buffer[] = [];
    let size = 0;
    let isOutputTooLarge = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      if (isOutputTooLarge) {
        return;
      }
      size += chunk.length;
      if (size > maxOutputBytes) {
        isOutputTooLarge = true;
        chunks.length = 0;
        supervised.terminate();
        return;
      }
      chunks.push(chunk);
    });
    const outcome = await supervised.closed;
    const stdinError = supervised.stdinError();
    if (stdinError) {
      throw stdinError;
    }
    const failure = this.failureOf(args, options, outcome, supervised, isOutputTooLarge);
    if (failure) {
      throw failure;
    }
    return { exitCode: outcome.exitCode ?? 0, stdout: Buffer.concat(chunks, size), stderr: supervised.stderr() };
  }

  /** `run()` returning stdout as UTF-8 text. */
  async runText(args: readonly string[], options: GitRunOptions = {}): Promise<string> {
    const { stdout } = await this.run(args, options);
    return stdout.toString('utf8');
  }

  /** Starts git and hands back its stdout as a stream; for big outputs and long-lived processes. */
  stream(args: readonly string[], options: GitStreamOptions = {}): GitStream {
    const supervised = this.supervise(args, options, options.stdin);
    const { child } = supervised;
    const stdout = new PassThrough();
    let hasClosed = false;
    let isAborted = false;
    const abort = (): void => {
      if (hasClosed || isAborted) {
        return;
      }
      isAborted = true;
      // Keep draining so the child's stdout can close and the exit be observed.
      child.stdout?.unpipe(stdout);
      child.stdout?.resume();
      supervised.terminate();
    };
    child.stdout?.pipe(stdout, { end: false });
    stdout.on('close', abort);

    const exit = supervised.closed.then((outcome) => {
      hasClosed = true;
      const stderr = supervised.stderr();
      if (isAborted) {
        stdout.destroy();
        return { exitCode: outcome.exitCode, signal: outcome.signal, stderr, isAborted: true };
      }
      const failure = supervised.stdinError() ?? this.failureOf(args, options, outcome, supervised, false);
      if (failure) {
        stdout.destroy(failure);
        throw failure;
      }
      stdout.end();
      return { exitCode: outcome.exitCode, signal: outcome.signal, stderr, isAborted: false };
    });
    // Callers that only consume stdout see the failure there; this keeps the promise from
    // counting as unhandled while still rejecting for callers that await it.
    exit.catch(() => undefined);

    return {
      stdout,
      stdin: options.stdin === 'pipe' ? child.stdin : null,
      exit,
      kill: abort,
    };
  }

  /** The version reported by `git --version`, e.g. `2.39.5`. */
  async version(): Promise<string> {
    const text = await this.runText(['--version'], { timeoutMs: 30_000 });
    const match = /git version (\d+\.\d+(?:\.\d+)?)/.exec(text);
    if (!match) {
      throw new Error(`Unrecognised output from "${this.config.git.binary} --version": ${text.trim()}`);
    }
    return match[1];
  }

  /**
   * Fails boot with a message a human can act on when git is missing or too old.
   * Returns the version found.
   */
  async assertGitVersion(): Promise<string> {
    const binary = this.config.git.binary;
    let version: string;
    try {
      version = await this.version();
    } catch (error) {
      const cause = error instanceof GitCommandError ? error.stderr.trim() || error.message : (error as Error).message;
      throw new Error(
        `Kohaku Hub needs git ${MIN_GIT_VERSION.major}.${MIN_GIT_VERSION.minor} or newer, but "${binary} --version" ` +
          `failed (${cause}). Install git, or set KOHAKU_HUB_GIT_BINARY to the absolute path of a git binary.`,
        { cause: error },
      );
    }
    const [major, minor] = version.split('.').map(Number);
    if (major < MIN_GIT_VERSION.major || (major === MIN_GIT_VERSION.major && minor < MIN_GIT_VERSION.minor)) {
      throw new Error(
        `Kohaku Hub needs git ${MIN_GIT_VERSION.major}.${MIN_GIT_VERSION.minor} or newer, but "${binary}" is ` +
          `git ${version}. Upgrade git, or set KOHAKU_HUB_GIT_BINARY to a newer git binary.`,
      );
    }
    return version;
  }

  private supervise(
    args: readonly string[],
    options: GitSpawnOptions,
    stdin: Buffer | Readable | 'pipe' | undefined,
  ): Supervised {
    this.ensureHome();
    const fullArgs = options.gitDir === undefined ? [...args] : [`--git-dir=${options.gitDir}`, ...args];
    const child = spawn(this.config.git.binary, fullArgs, {
      cwd: options.cwd ?? this.homeDir,
      env: { ...this.baseEnv, ...options.env },
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });

    let stderr = '';
    let stderrBytes = 0;
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderrBytes < MAX_STDERR_BYTES) {
        stderr += chunk.subarray(0, MAX_STDERR_BYTES - stderrBytes).toString('utf8');
      }
      stderrBytes += chunk.length;
    });

    let hasExited = false;
    let isTimedOut = false;
    let stdinError: Error | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const terminate = (): void => {
      if (hasExited || killTimer !== undefined) {
        return;
      }
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };

    const timeoutMs = options.timeoutMs ?? this.config.git.timeoutMs;
    const timeoutTimer =
      timeoutMs > 0
        ? setTimeout(() => {
            isTimedOut = true;
            terminate();
          }, timeoutMs)
        : undefined;
    timeoutTimer?.unref();

    if (child.stdin) {
      let isStdinGone = false;
      // EPIPE when git exits before reading all its input; the exit status tells what happened.
      child.stdin.on('error', () => {
        isStdinGone = true;
      });
      child.stdin.on('close', () => {
        isStdinGone = true;
      });
      if (Buffer.isBuffer(stdin)) {
        child.stdin.end(stdin);
      } else if (stdin instanceof Readable) {
        stdin.once('error', (error: Error) => {
          if (isStdinGone) {
            return;
          }
          stdinError = error;
          child.stdin?.destroy();
          terminate();
        });
        stdin.pipe(child.stdin);
      }
    }

    const closed = new Promise<ChildOutcome>((resolve) => {
      const settle = (outcome: ChildOutcome): void => {
        hasExited = true;
        clearTimeout(timeoutTimer);
        clearTimeout(killTimer);
        if (stdin instanceof Readable && child.stdin) {
          stdin.unpipe(child.stdin);
        }
        resolve(outcome);
      };
      child.on('error', (error) => {
        if (child.pid === undefined) {
          settle({ exitCode: null, signal: null, spawnError: error });
        }
      });
      child.once('close', (exitCode, signal) => settle({ exitCode, signal }));
    });

    return {
      child,
      closed,
      stderr: () => stderr,
      stdinError: () => stdinError,
      isTimedOut: () => isTimedOut,
      terminate,
    };
  }

  private failureOf(
    args: readonly string[],
    options: GitSpawnOptions,
    outcome: ChildOutcome,
    supervised: Supervised,
    isOutputTooLarge: boolean,
  ): GitCommandError | undefined {
    const okExitCodes = options.okExitCodes ?? [0];
    const isSuccess =
      outcome.spawnError === undefined &&
      outcome.exitCode !== null &&
      okExitCodes.includes(outcome.exitCode) &&
      !supervised.isTimedOut() &&
      !isOutputTooLarge;
    if (isSuccess) {
      return undefined;
    }
    return new GitCommandError(
      {
        subcommand: subcommandOf(args),
        args: options.gitDir === undefined ? args : [`--git-dir=${options.gitDir}`, ...args],
        exitCode: outcome.exitCode,
        signal: outcome.signal,
        stderr: outcome.spawnError ? outcome.spawnError.message : supervised.stderr(),
        isTimedOut: supervised.isTimedOut(),
        isOutputTooLarge,
      },
      outcome.spawnError ? { cause: outcome.spawnError } : undefined,
    );
  }

  private ensureHome(): void {
    if (!this.isHomeReady) {
      mkdirSync(this.homeDir, { recursive: true });
      this.isHomeReady = true;
    }
  }
}

/** The first argument that is neither an option nor the value of a `-c` option. */
function subcommandOf(args: readonly string[]): string {
  for (let index = 0; index < args.length; index++) {
    if (args[index] === '-c') {
      index++;
    } else if (!args[index].startsWith('-')) {
      return args[index];
    }
  }
  return args[0] ?? 'git';
}
