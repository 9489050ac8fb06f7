import { InvalidPathError } from 'src/common/errors/hub-error';
import { isInFolder, parentFolders, validateFolderPath, validateRepoPath } from 'src/commit/repo-path';

describe('repo paths', () => {
  it.each([
    'a.txt',
    'dir a/é #1.txt',
    '.gitattributes',
    '.github/workflows/x.yml',
    'a/.gitkeep',
    'x..y',
    '...',
    `${'a'.repeat(255)}`,
  ])('should accept %j', (path) => {
    expect(validateRepoPath(path)).toBe(path);
  });

  it.each([
    ['', 'empty'],
    ['/abs', 'absolute'],
    ['a//b', 'empty segment'],
    ['a/', 'trailing slash'],
    ['..', 'parent'],
    ['a/../b', 'parent in the middle'],
    ['..\\x', 'Windows parent'],
    ['a\\..\\b', 'Windows parent in the middle'],
    ['.', 'current folder'],
    ['a/./b', 'current folder in the middle'],
    ['.git', '.git itself'],
    ['x/.Git/config', '.git in another case'],
    ['a\u0000b', 'NUL'],
    ['a\u001fb', 'a control character'],
    ['a\u007fb', 'DEL'],
    [`${'a'.repeat(256)}`, 'a long segment'],
    [`${'abc/'.repeat(1025)}x`, 'a long path'],
  ])('should refuse %j (%s) with InvalidPathError naming it', (path) => {
    expect(() => validateRepoPath(path)).toThrow(InvalidPathError);
    try {
      validateRepoPath(path);
    } catch (error) {
      expect((error as InvalidPathError).status).toBe(422);
      // eslint-disable-next-line no-control-regex -- control characters are named with escapes
      expect((error as Error).message).not.toMatch(/[\u0000-\u001f]/);
    }
  });

  it('should refuse values that are not strings', () => {
    expect(() => validateRepoPath(42)).toThrow(InvalidPathError);
    expect(() => validateRepoPath(undefined)).toThrow(InvalidPathError);
  });

  it('should strip trailing slashes from folder paths but not accept the root', () => {
    expect(validateFolderPath('sub/')).toBe('sub');
    expect(validateFolderPath('a/b//')).toBe('a/b');
    expect(validateFolderPath('sub')).toBe('sub');
    expect(() => validateFolderPath('/')).toThrow(InvalidPathError);
    expect(() => validateFolderPath('')).toThrow(InvalidPathError);
  });

  it('should list parent folders and test folder membership', () => {
    expect(parentFolders('a/b/c.txt')).toEqual(['a', 'a/b']);
    expect(parentFolders('c.txt')).toEqual([]);
    expect(isInFolder('a/b', 'a')).toBe(true);
    expect(isInFolder('a', 'a')).toBe(true);
    expect(isInFolder('ab/c', 'a')).toBe(false);
  });
});
