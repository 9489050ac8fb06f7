import { InvalidPathError } from 'src/common/errors/hub-error';
import { CatFilePool } from 'src/git/cat-file-pool';
import { GitProcess, GitRunOptions, GitRunResult } from 'src/git/git-process';
import { assertRevision, checkPath, GitRepository, isRefNameShaped, quoteFastImportPath } from 'src/git/git-repository';
import {
  GitCommandError,
  InvalidGitIdError,
  InvalidRefNameError,
  InvalidRevisionError,
  RefUpdateConflictError,
} from 'src/git/git.errors';

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);

function updateRefFailure(stderr: string): GitCommandError {
  return new GitCommandError({ subcommand: 'update-ref', args: ['update-ref'], exitCode: 128, signal: null, stderr });
}

describe(GitRepository.name, () => {
  describe('isRefNameShaped', () => {
    it.each(['main', 'refs/heads/main', 'refs/pr/12', 'v1.0.0', 'refs/convert/parquet', 'HEAD', 'feature/ünï', SHA_A])(
      'should accept %p',
      (name) => {
        expect(isRefNameShaped(name)).toBe(true);
      },
    );

    it.each([
      '',
      '-x',
      '--all',
      'refs/heads/-x',
      'a..b',
      'a b',
      'a~1',
      'a^',
      'a:b',
      'a?',
      'a*',
      'a[',
      'a\\b',
      'a@{1}',
      '@',
      '/a',
      'a/',
      'a//b',
      'a.',
      '.a',
      'refs/.hidden',
      'x.lock',
      'a\nb',
      'a\0b',
      'x'.repeat(1025),
    ])('should refuse %p', (name) => {
      expect(isRefNameShaped(name)).toBe(false);
    });
  });

  describe('assertRevision', () => {
    it('should refuse option-like and expression revisions with a 400', () => {
      for (const rev of ['-n1', '--output=x', 'main~2', 'HEAD^{tree}', '']) {
        expect(() => assertRevision(rev)).toThrow(InvalidRevisionError);
      }
      expect(() => assertRevision('main')).not.toThrow();
      try {
        assertRevision('-x');
      } catch (error) {
        expect(error).toMatchObject({ status: 400, code: 'BadRequest' });
      }
    });
  });

  describe('checkPath', () => {
    it('should accept nested, unicode, space and newline paths', () => {
      for (const path of ['a.txt', 'a/b/c.bin', 'ünï cødé/ file .txt', 'line\nbreak', 'dot.git', '.gitattributes']) {
        expect(checkPath(path)).toBe(path);
      }
    });

    it('should refuse absolute, relative, empty-segment and .git paths', () => {
      for (const path of ['', '/a', 'a/', 'a//b', './a', 'a/../b', '..', '.git', 'sub/.GIT/config', 'a\0b']) {
        expect(() => checkPath(path)).toThrow(InvalidPathError);
      }
      expect(checkPath('', { allowRoot: true })).toBe('');
    });
  });

  describe('quoteFastImportPath', () => {
    it('should C-quote quotes, backslashes, newlines and control characters but keep UTF-8', () => {
      expect(quoteFastImportPath('plain.txt')).toBe('"plain.txt"');
      expect(quoteFastImportPath('with space/ünï.txt')).toBe('"with space/ünï.txt"');
      expect(quoteFastImportPath('say "hi"\\now')).toBe('"say \\"hi\\"\\\\now"');
      expect(quoteFastImportPath('a\nb\tc\x7f')).toBe('"a\\nb\\011c\\177"');
    });
  });

  describe('ref updates', () => {
    let run: jest.Mock<Promise<GitRunResult>, [readonly string[], GitRunOptions?]>;
    let sut: GitRepository;

    beforeEach(() => {
      run = jest.fn((_args: readonly string[], _options?: GitRunOptions) =>
        Promise.resolve({ exitCode: 0, stdout: Buffer.alloc(0), stderr: '' }),
      );
      sut = new GitRepository('/repos/x.git', { run } as unknown as GitProcess, {} as CatFilePool);
    });

    it('should pass the zero id as the expected value when the ref must not exist yet', async () => {
      await sut.updateRef('refs/heads/main', SHA_A, null);
      expect(run).toHaveBeenLastCalledWith(['update-ref', '--no-deref', 'refs/heads/main', SHA_A, '0'.repeat(40)], {
        gitDir: '/repos/x.git',
      });
    });

    it.each([
      [
        "fatal: update_ref failed for ref 'refs/heads/main': cannot lock ref 'refs/heads/main': is at X but expected Y",
        'stale',
      ],
      ["fatal: cannot lock ref 'refs/heads/main': reference already exists", 'stale'],
      ["error: cannot lock ref 'refs/heads/main': unable to resolve reference 'refs/heads/main'", 'stale'],
      ["fatal: cannot lock ref 'refs/heads/main': Unable to create '/r/refs/heads/main.lock': File exists.", 'locked'],
      [
        "fatal: cannot lock ref 'refs/heads/a/b': 'refs/heads/a' exists; cannot create 'refs/heads/a/b'",
        'name-conflict',
      ],
    ])('should turn %p into a RefUpdateConflictError (%s)', async (stderr, reason) => {
      run.mockImplementation((args: readonly string[]) =>
        args[0] === 'update-ref'
          ? Promise.reject(updateRefFailure(stderr))
          : Promise.resolve({ exitCode: 0, stdout: Buffer.alloc(0), stderr: '' }),
      );
      const error = (await sut
        .updateRef('refs/heads/main', SHA_A, SHA_B)
        .catch((e: unknown) => e)) as RefUpdateConflictError;
      expect(error).toBeInstanceOf(RefUpdateConflictError);
      expect(error).toMatchObject({ status: 409, code: 'Conflict', reason, ref: 'refs/heads/main' });
    });

    it('should keep other update-ref failures as GitCommandError', async () => {
      run.mockImplementation((args: readonly string[]) =>
        args[0] === 'update-ref'
          ? Promise.reject(updateRefFailure("fatal: trying to write ref 'refs/heads/q' with nonexistent object"))
          : Promise.resolve({ exitCode: 0, stdout: Buffer.alloc(0), stderr: '' }),
      );
      await expect(sut.updateRef('refs/heads/q', SHA_A, null)).rejects.toBeInstanceOf(GitCommandError);
    });

    it('should refuse a ref name git check-ref-format rejects', async () => {
      run.mockResolvedValue({ exitCode: 1, stdout: Buffer.alloc(0), stderr: '' });
      await expect(sut.updateRef('refs/heads/ok-looking', SHA_A, null)).rejects.toBeInstanceOf(InvalidRefNameError);
    });

    it('should refuse a delete without a real expected value', async () => {
      await expect(sut.deleteRef('refs/heads/main', '0'.repeat(40))).rejects.toBeInstanceOf(InvalidGitIdError);
      await expect(sut.deleteRef('refs/heads/main', 'main')).rejects.toBeInstanceOf(InvalidGitIdError);
      expect(run).not.toHaveBeenCalledWith(expect.arrayContaining(['update-ref']), expect.anything());
    });
  });
});
