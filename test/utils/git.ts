import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GitRepository } from 'src/git/git-repository';

/** What the inspection helpers need of a repository: only where it lives, so they read it with the git binary. */
export type BareRepository = Pick<GitRepository, 'gitDir'>;

/** `git <args>` in the bare repository, as text. */
export function gitIn(git: BareRepository, args: string[]): string {
  return execFileSync('git', [`--git-dir=${git.gitDir}`, ...args], { encoding: 'utf8' });
}

export function revParse(git: BareRepository, revision: string): string {
  return gitIn(git, ['rev-parse', revision]).trim();
}

/** A file of a revision, or null if it does not exist. */
export function showFile(git: BareRepository, revision: string, path: string): Buffer | null {
  try {
    return execFileSync('git', [`--git-dir=${git.gitDir}`, 'show', `${revision}:${path}`], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return null;
  }
}

/** Every file path of a revision, sorted. */
export function listFiles(git: BareRepository, revision: string): string[] {
  return gitIn(git, ['ls-tree', '-r', '--name-only', '-z', revision])
    .split('\0')
    .filter((path) => path !== '')
    .sort();
}

/** `git check-attr filter` as of a revision (through a throwaway index: git 2.39 has no `--source`). */
export function lfsFilterOf(git: BareRepository, revision: string, paths: string[]): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'kh-attr-'));
  try {
    const env = { ...process.env, GIT_INDEX_FILE: join(dir, 'index') };
    execFileSync('git', [`--git-dir=${git.gitDir}`, 'read-tree', revision], { env });
    const output = execFileSync(
      'git',
      [`--git-dir=${git.gitDir}`, 'check-attr', '--cached', '-z', 'filter', '--', ...paths],
      { env, encoding: 'utf8' },
    );
    const fields = output.split('\0');
    const result: Record<string, string> = {};
    for (let index = 0; index + 2 < fields.length; index += 3) {
      result[fields[index]] = fields[index + 2];
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs git in a scratch work tree; never throws on a non-zero exit, which some commands use as their answer. */
export type ScratchGit = (args: string[], input?: string) => { status: number | null; stdout: string };

/**
 * Calls `work` with a fresh `git init` work tree holding `files` (path → text), removed afterwards.
 * The user's and the system's git configuration are kept out, so real git is a clean oracle.
 */
export function withScratchWorkTree<T>(files: Record<string, string>, work: (git: ScratchGit) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'kh-scratch-'));
  try {
    execFileSync('git', ['init', '-q', dir]);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: dir };
    return work((args, input) => {
      const result = spawnSync('git', ['-C', dir, ...args], { input, encoding: 'utf8', env });
      if (result.error) {
        throw result.error;
      }
      return { status: result.status, stdout: result.stdout };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
