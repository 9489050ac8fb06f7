import { DEFAULT_GITATTRIBUTES } from 'src/repo/default-gitattributes';
import { exactLfsRule, exactPathPattern, GitAttributes, withLfsRules } from 'src/commit/gitattributes';
import { withScratchWorkTree } from 'test/utils/git';

/** What real git says about `filter` for each path under `attributes` (the oracle for these tests). */
function gitFilterOf(attributes: string, paths: string[]): boolean[] {
  const { status, stdout } = withScratchWorkTree({ '.gitattributes': attributes }, (git) =>
    git(['check-attr', '-z', '--stdin', 'filter'], paths.map((path) => `${path}\0`).join('')),
  );
  if (status !== 0) {
    throw new Error(`git check-attr failed with status ${status}`);
  }
  const output = stdout.split('\0');
  return paths.map((_, index) => output[index * 3 + 2] === 'lfs');
}

/** The parser's verdict on PATHS: the tracked ones must be `tracked`, and every verdict must be git's. */
function expectTrackedLikeGit(text: string, tracked: string[]): void {
  const attributes = GitAttributes.parse(text);
  expect(PATHS.filter((path) => attributes.isLfsTracked(path))).toEqual(tracked);
  expect(PATHS.map((path) => attributes.isLfsTracked(path))).toEqual(gitFilterOf(text, PATHS));
}

const PATHS = [
  'model.safetensors',
  'sub/dir/model.safetensors',
  'model.safetensors.txt',
  'archive.tar.gz',
  'a.tar',
  'x.lfs.y',
  'saved_model/a/b',
  'saved_model/a',
  'nested/saved_model/a/b',
  'events.out.tfevents.123',
  'README.md',
  'data/big file.csv',
  'data/big [1].csv',
  'data/star*.bin',
  'weird?.txt',
  'back\\slash.txt',
  'é/ü.gguf',
  'docs/a.md',
  'docs/sub/a.md',
  'Makefile',
];

describe(GitAttributes.name, () => {
  it('should agree with git on the Hub default patterns', () => {
    expectTrackedLikeGit(DEFAULT_GITATTRIBUTES, [
      'model.safetensors',
      'sub/dir/model.safetensors',
      'archive.tar.gz',
      'a.tar',
      'x.lfs.y',
      'saved_model/a/b',
      'saved_model/a',
      'events.out.tfevents.123',
      'data/star*.bin',
      'é/ü.gguf',
    ]);
  });

  it('should agree with git on anchoring, "**", classes, escapes, quoting, unsetting and order', () => {
    const text = [
      '# a comment',
      '/docs/*.md filter=lfs',
      'docs/**/a.md filter=lfs',
      '**/saved_model/** filter=lfs',
      '*.[ct]sv filter=lfs',
      '[!M]akefile filter=lfs',
      'weird\\?.txt filter=lfs',
      '"data/big file.csv" filter=lfs',
      '*.gguf filter=lfs',
      'é/*.gguf -filter',
      '*.bin filter=lfs',
      'data/star*.bin !filter',
      'README.md filter=other',
      '[attr]binary2 -diff',
      '  *.tar.gz   filter=lfs   diff=lfs',
      'missing-slash/ filter=lfs',
    ].join('\n');
    expectTrackedLikeGit(text, [
      'archive.tar.gz',
      'saved_model/a/b',
      'saved_model/a',
      'nested/saved_model/a/b',
      'data/big file.csv',
      'data/big [1].csv',
      'weird?.txt',
      'docs/a.md',
      'docs/sub/a.md',
    ]);
  });

  it('should write exact-path rules that git and the parser match for that path only', () => {
    const paths = [
      'data/big file.csv',
      'data/big [1].csv',
      'data/star*.bin',
      'weird?.txt',
      'back\\slash.txt',
      'é/ü.gguf',
    ];
    const text = paths.map((path) => `${exactLfsRule(path)}\n`).join('');
    const probes = [...paths, 'data/bigXfile.csv', 'data/big 1.csv', 'data/starX.bin', 'weirdX.txt', 'other/é/ü.gguf'];
    const expected = probes.map((path) => paths.includes(path));
    expect(gitFilterOf(text, probes)).toEqual(expected);
    const attributes = GitAttributes.parse(text);
    expect(probes.map((path) => attributes.isLfsTracked(path))).toEqual(expected);
    expect(exactPathPattern('a b/c*[d]?.e')).toBe('/a[[:space:]]b/c\\*\\[d]\\?.e');
  });

  describe('withLfsRules', () => {
    it('should append rules only for paths not already tracked, keeping the existing text', () => {
      const text = '*.bin filter=lfs diff=lfs merge=lfs -text';
      expect(withLfsRules(text, ['a.bin', 'x/y.csv', 'x/y.csv', 'z.txt'])).toBe(
        `${text}\n/x/y.csv filter=lfs diff=lfs merge=lfs -text\n/z.txt filter=lfs diff=lfs merge=lfs -text\n`,
      );
      expect(withLfsRules(`${text}\n`, ['a.bin'])).toBeNull();
      expect(withLfsRules('', ['n.dat'])).toBe('/n.dat filter=lfs diff=lfs merge=lfs -text\n');
    });
  });
});
