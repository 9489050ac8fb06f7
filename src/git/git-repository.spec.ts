import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadRequestError, InvalidPathError } from 'src/common/errors/hub-error';
import { loadHubConfig } from 'src/config/hub-config';
import { CatFilePool } from 'src/git/cat-file-pool';
import { GitObjectCache } from 'src/git/git-object-cache';
import { GitProcess, GitRunOptions, GitRunResult } from 'src/git/git-process';
import { GitRepoStore } from 'src/git/git-repo-store';
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
      sut = new GitRepository(
        '/repos/x.git',
        { run } as unknown as GitProcess,
        {} as CatFilePool,
        new GitObjectCache(),
      );
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

  describe('lsTreePage (real repository)', () => {
    const identity = { name: 'Test', email: 'test@example.com', date: new Date('2024-01-01T00:00:00Z') };
    let dataDir: string;
    let pool: CatFilePool;
    let sut: GitRepository;
    let commit: string;

    /** The listing as git prints it: the order and content pages must reproduce. */
    function gitListing(treeish: string, recursive: boolean): string[] {
      return execFileSync(
        'git',
        [`--git-dir=${sut.gitDir}`, 'ls-tree', '-z', ...(recursive ? ['-r', '-t'] : []), treeish],
        {
          encoding: 'utf8',
        },
      )
        .split('\0')
        .filter((record) => record !== '')
        .map((record) => record.split('\t')[1]);
    }

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'kohaku-ls-tree-page-'));
      const config = loadHubConfig({ KOHAKU_HUB_DATA_DIR: dataDir });
      const git = new GitProcess(config);
      pool = new CatFilePool(config, git);
      const store = new GitRepoStore(config, git, pool, new GitObjectCache());
      await store.prepare();
      sut = await store.create(randomBytes(16).toString('hex'));
      const files = ['a.txt', 'b/one.txt', 'b/two/deep.bin', 'c d/ünï.txt', 'line\nbreak.txt', 'z.txt'];
      ({ commitSha: commit } = await sut.createCommit({
        parent: null,
        message: 'files',
        author: identity,
        committer: identity,
        changes: files.map((path, index) => ({
          kind: 'put' as const,
          path,
          mode: '100644' as const,
          content: Buffer.alloc(index * 10, 'x'),
        })),
      }));
    });

    afterAll(async () => {
      await pool.onModuleDestroy();
      rmSync(dataDir, { recursive: true, force: true });
    });

    async function allPages(
      path: string,
      recursive: boolean,
      limit: number,
    ): Promise<{ paths: string[]; pages: number }> {
      const paths: string[] = [];
      let pages = 0;
      for (let after: string | undefined; ;) {
        const page = await sut.lsTreePage(commit, path, { recursive, after, limit });
        expect(page).not.toBeNull();
        pages++;
        paths.push(...page!.entries.map((entry) => entry.path));
        if (!page!.hasMore) {
          return { paths, pages };
        }
        expect(page!.entries).toHaveLength(limit);
        after = page!.entries[limit - 1].path;
      }
    }

    it('should cut the listing into pages that add up to git ls-tree, in its order', async () => {
      for (const limit of [1, 2, 3, 100]) {
        const recursive = await allPages('', true, limit);
        expect(recursive.paths).toEqual(gitListing(commit, true));
        expect(recursive.pages).toBe(Math.max(1, Math.ceil(recursive.paths.length / limit)));
        expect((await allPages('', false, limit)).paths).toEqual(gitListing(commit, false));
        expect((await allPages('b', true, limit)).paths).toEqual(
          gitListing(`${commit}:b`, true).map((path) => `b/${path}`),
        );
      }
      expect(gitListing(commit, true)).toContain('line\nbreak.txt');
    });

    it('should give types, ids and blob sizes, and an empty last page past the end', async () => {
      const page = (await sut.lsTreePage(commit, 'b', { recursive: true, limit: 10 }))!;
      expect(page).toEqual({
        hasMore: false,
        entries: [
          { path: 'b/one.txt', mode: '100644', type: 'blob', sha: expect.stringMatching(/^[0-9a-f]{40}$/), size: 10 },
          { path: 'b/two', mode: '040000', type: 'tree', sha: expect.stringMatching(/^[0-9a-f]{40}$/) },
          {
            path: 'b/two/deep.bin',
            mode: '100644',
            type: 'blob',
            sha: expect.stringMatching(/^[0-9a-f]{40}$/),
            size: 20,
          },
        ],
      });
      expect(await sut.lsTreePage(commit, '', { after: 'z.txt', limit: 5 })).toEqual({ entries: [], hasMore: false });
      expect(await sut.lsTreePage(commit, '', { recursive: true, after: 'b/two/deep.bin', limit: 1 })).toEqual({
        entries: [expect.objectContaining({ path: 'c d' })],
        hasMore: true,
      });
    });

    it('should answer null for a missing folder, a file, or an unknown commit, and refuse bad input', async () => {
      expect(await sut.lsTreePage(commit, 'missing', { limit: 5 })).toBeNull();
      expect(await sut.lsTreePage(commit, 'a.txt', { limit: 5 })).toBeNull();
      expect(await sut.lsTreePage('0'.repeat(40), '', { limit: 5 })).toBeNull();
      await expect(sut.lsTreePage(commit, 'b/../a', { limit: 5 })).rejects.toBeInstanceOf(InvalidPathError);
      await expect(sut.lsTreePage(commit, '', { limit: 0 })).rejects.toBeInstanceOf(BadRequestError);
      await expect(sut.lsTreePage(commit, '', { limit: 5, after: 'nope.txt' })).rejects.toBeInstanceOf(BadRequestError);
      await expect(sut.lsTreePage(commit, 'b', { limit: 5, after: 'a.txt' })).rejects.toBeInstanceOf(BadRequestError);
      await expect(sut.lsTreePage(commit, '', { limit: 5, after: 'b/one.txt' })).rejects.toBeInstanceOf(
        BadRequestError,
      );
      await expect(sut.lsTreePage(commit, '', { limit: 5, after: 'b/../x' })).rejects.toBeInstanceOf(InvalidPathError);
      await expect(sut.lsTreePage('main', '', { limit: 5 })).rejects.toBeInstanceOf(InvalidGitIdError);
    });
  });
});
