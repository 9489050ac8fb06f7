import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface GitRunOptions {
  cwd?: string;
  env?: Record<string, string>;
}

/**
 * A git + git-lfs user with a HOME of its own: its own ~/.gitconfig (identity, `git lfs install`,
 * an optional credential helper), no system config and no terminal prompts, so nothing of the
 * developer's configuration leaks into a test.
 */
export class GitClient {
  readonly home: string;
  readonly workDir: string;
  /** Settings given to every git run through `GIT_CONFIG_KEY_n` / `GIT_CONFIG_VALUE_n`. */
  private readonly extraConfig: [string, string][] = [];

  private constructor(home: string) {
    this.home = home;
    this.workDir = join(home, 'work');
    mkdirSync(this.workDir);
  }

  static async create(name = 'tester'): Promise<GitClient> {
    const client = new GitClient(mkdtempSync(join(tmpdir(), 'kohaku-git-client-')));
    await client.git(['config', '--global', 'user.name', name]);
    await client.git(['config', '--global', 'user.email', `${name}@example.com`]);
    await client.git(['config', '--global', 'init.defaultBranch', 'main']);
    await client.git(['config', '--global', 'advice.detachedHead', 'false']);
    await client.git(['lfs', 'install', '--skip-repo']);
    return client;
  }

  /**
   * Answers git's credential requests with `username` / `password` and logs every request (one
   * line per `get`) to `credentialLog`, so tests can see that git asked after a 401.
   */
  useCredentials(username: string, password: string): void {
    const helper = join(this.home, 'credential-helper.sh');
    writeFileSync(
      helper,
      [
        '#!/bin/sh',
        'if [ "$1" = get ]; then',
        `  cat > /dev/null`,
        `  echo "get" >> "${this.credentialLog}"`,
        `  echo "username=${username}"`,
        `  echo "password=${password}"`,
        'fi',
        '',
      ].join('\n'),
    );
    chmodSync(helper, 0o755);
    this.extraConfig.push(['credential.helper', helper]);
  }

  get credentialLog(): string {
    return join(this.home, 'credential-requests.log');
  }

  get env(): Record<string, string> {
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.home,
      XDG_CONFIG_HOME: join(this.home, '.config'),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      GIT_ASKPASS: '/bin/false',
      LC_ALL: 'C',
      ...Object.fromEntries(
        this.extraConfig.flatMap(([key, value], index) => [
          [`GIT_CONFIG_KEY_${index}`, key],
          [`GIT_CONFIG_VALUE_${index}`, value],
        ]),
      ),
      ...(this.extraConfig.length > 0 ? { GIT_CONFIG_COUNT: String(this.extraConfig.length) } : {}),
    };
  }

  /** Runs git; resolves whatever the exit status (check `exitCode`). */
  async tryGit(args: string[], options: GitRunOptions = {}): Promise<GitResult> {
    try {
      const { stdout, stderr } = await run('git', args, {
        cwd: options.cwd ?? this.workDir,
        env: { ...this.env, ...options.env },
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      });
      return { exitCode: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return {
        exitCode: typeof failed.code === 'number' ? failed.code : 1,
        stdout: failed.stdout ?? '',
        stderr: failed.stderr ?? '',
      };
    }
  }

  /** Runs git and fails (with git's output in the message) unless it exits 0. */
  async git(args: string[], options: GitRunOptions = {}): Promise<string> {
    const result = await this.tryGit(args, options);
    if (result.exitCode !== 0) {
      throw new Error(`git ${args.join(' ')} failed (${result.exitCode}):\n${result.stderr}\n${result.stdout}`);
    }
    return result.stdout;
  }

  path(...parts: string[]): string {
    return join(this.workDir, ...parts);
  }

  cleanup(): void {
    rmSync(this.home, { recursive: true, force: true });
  }
}

/** `http://<user>:<secret>@host/path`: credentials in the URL, for tests that are not about prompting. */
export function urlWithCredentials(hubUrl: string, path: string, secret: string, username = 'git'): string {
  const url = new URL(path.replace(/^\//, ''), `${hubUrl}/`);
  url.username = username;
  url.password = secret;
  return url.toString();
}
