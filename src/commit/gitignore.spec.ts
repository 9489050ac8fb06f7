import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitIgnore } from 'src/commit/gitignore';

/** Real git's verdict (`check-ignore --no-index`), path by path. */
function gitIgnored(rules: string, paths: string[]): boolean[] {
  const dir = mkdtempSync(join(tmpdir(), 'kh-ignore-spec-'));
  try {
    execFileSync('git', ['init', '-q', dir]);
    writeFileSync(join(dir, '.gitignore'), rules);
    return paths.map((path) => {
      try {
        execFileSync('git', ['-C', dir, 'check-ignore', '-q', '--no-index', '--', path], {
          env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: dir },
        });
        return true;
      } catch {
        return false;
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe(GitIgnore.name, () => {
  it('should agree with git on negation, folder-only, anchored, "**" and escaped patterns', () => {
    const rules = [
      '# comment',
      '*.log',
      '!keep.log',
      'build/',
      '/root-only.txt',
      'docs/**/*.tmp',
      '**/cache',
      '\\#literal',
      'trailing-space\\ ',
      'vendor/',
      '!vendor/keep.txt',
      '',
    ].join('\n');
    const paths = [
      'a.log',
      'sub/a.log',
      'keep.log',
      'sub/keep.log',
      'build/x.js',
      'src/build/y.js',
      'build',
      'root-only.txt',
      'sub/root-only.txt',
      'docs/a.tmp',
      'docs/x/y/a.tmp',
      'other/a.tmp',
      'cache',
      'deep/cache/file',
      '#literal',
      'trailing-space ',
      'vendor/keep.txt',
      'vendor/other.txt',
      'plain.txt',
    ];
    const ignore = GitIgnore.parse(rules);
    expect(paths.filter((path) => ignore.isIgnored(path))).toEqual([
      'a.log',
      'sub/a.log',
      'build/x.js',
      'src/build/y.js',
      'root-only.txt',
      'docs/a.tmp',
      'docs/x/y/a.tmp',
      'cache',
      'deep/cache/file',
      '#literal',
      'trailing-space ',
      'vendor/keep.txt',
      'vendor/other.txt',
    ]);
    expect(paths.map((path) => ignore.isIgnored(path))).toEqual(gitIgnored(rules, paths));
  });
});
