import { GitIgnore } from 'src/commit/gitignore';
import { withScratchWorkTree } from 'test/utils/git';

/** Real git's verdict (`check-ignore --no-index`), path by path: exit 0 is ignored, 1 is not. */
function gitIgnored(rules: string, paths: string[]): boolean[] {
  return withScratchWorkTree({ '.gitignore': rules }, (git) =>
    paths.map((path) => {
      const { status } = git(['check-ignore', '-q', '--no-index', '--', path]);
      if (status !== 0 && status !== 1) {
        throw new Error(`git check-ignore failed with status ${status} for ${JSON.stringify(path)}`);
      }
      return status === 0;
    }),
  );
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
    const expected: [path: string, isIgnored: boolean][] = [
      ['a.log', true],
      ['sub/a.log', true],
      ['keep.log', false],
      ['sub/keep.log', false],
      ['build/x.js', true],
      ['src/build/y.js', true],
      ['build', false],
      ['root-only.txt', true],
      ['sub/root-only.txt', false],
      ['docs/a.tmp', true],
      ['docs/x/y/a.tmp', true],
      ['other/a.tmp', false],
      ['cache', true],
      ['deep/cache/file', true],
      ['#literal', true],
      ['trailing-space ', true],
      ['vendor/keep.txt', true],
      ['vendor/other.txt', true],
      ['plain.txt', false],
    ];
    const paths = expected.map(([path]) => path);
    const ignore = GitIgnore.parse(rules);
    expect(paths.map((path) => [path, ignore.isIgnored(path)])).toEqual(expected);
    expect(paths.map((path) => ignore.isIgnored(path))).toEqual(gitIgnored(rules, paths));
  });
});
