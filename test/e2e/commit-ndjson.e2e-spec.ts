import request from 'supertest';
import { DataSource } from 'typeorm';
import { CommitRecordEntity } from 'src/commit/commit-record.entity';
import { LfsObjectRefEntity } from 'src/commit/lfs-object-ref.entity';
import { GitRepository } from 'src/git/git-repository';
import { apiToken } from 'test/utils/accounts';
import { lfsPointerText } from 'test/utils/lfs';
import { TestHub, TestHubOptions } from 'test/utils/test-hub';
import {
  bearer,
  commitLines,
  createWriterHub,
  fileLine,
  gitIn,
  header,
  lfsFileLine,
  lfsFilterOf,
  listFiles,
  ndjson,
  newRepo,
  postCommit,
  revParse,
  sha256Hex,
  showFile,
  uploadLfsObject,
  Writer,
} from 'test/e2e/commit-helpers';

function commitCount(git: GitRepository, revision: string): number {
  return Number(gitIn(git, ['rev-list', '--count', revision]).trim());
}

interface SeparateHub {
  hub: TestHub;
  writer: Writer;
  id: string;
  git: GitRepository;
}

/**
 * A hub of its own for the enclosing describe block (started before its tests, closed after them)
 * with one writer who owns one repository. The fields are filled in once the block's tests run.
 */
function separateHub(username: string, repoName: string, options: TestHubOptions): SeparateHub {
  const context = {} as SeparateHub;
  beforeAll(async () => {
    const [hub, writer] = await createWriterHub([username], options);
    Object.assign(context, { hub, writer }, await newRepo(hub, writer, repoName));
  });
  afterAll(async () => {
    await context.hub.close();
  });
  return context;
}

describe('NDJSON commit (POST /api/{type}s/{id}/commit/{rev})', () => {
  let hub: TestHub;
  let alice: Writer;
  let bob: Writer;

  beforeAll(async () => {
    [hub, alice, bob] = await createWriterHub(['alice', 'bob']);
  });

  afterAll(async () => {
    await hub.close();
  });

  let repoCounter = 0;
  function freshRepo(options: { isPrivate?: boolean } = {}): Promise<{ id: string; git: GitRepository }> {
    repoCounter++;
    return newRepo(hub, alice, `repo-${repoCounter}`, options);
  }

  describe('regular files', () => {
    it('should make one git commit whose oid is the branch head, with the caller as author', async () => {
      const { id, git } = await freshRepo();
      const response = await commitLines(hub, alice.token, id, [
        header('Add two files', { description: 'The longer story' }),
        fileLine('README.txt', 'hello'),
        fileLine('dir a/é #1.txt', Buffer.from([0, 1, 2, 255])),
      ]).expect(200);
      expect(response.body).toEqual({
        commitOid: revParse(git, 'refs/heads/main'),
        commitUrl: `${hub.url}/${id}/commit/${revParse(git, 'main')}`,
        pullRequestUrl: null,
      });
      expect(showFile(git, 'main', 'README.txt')?.toString()).toBe('hello');
      expect(showFile(git, 'main', 'dir a/é #1.txt')).toEqual(Buffer.from([0, 1, 2, 255]));
      expect(commitCount(git, 'main')).toBe(2);
      expect(gitIn(git, ['log', '-1', '--format=%an <%ae>%n%cn <%ce>%n%B', 'main']).trimEnd()).toBe(
        'alice <alice@users.noreply.kohakuhub>\nalice <alice@users.noreply.kohakuhub>\nAdd two files\n\nThe longer story',
      );
      expect((await git.fsck()).ok).toBe(true);
    });

    it('should accept the JS line style (no final newline), CRLF lines and utf-8 encoded content', async () => {
      const { id, git } = await freshRepo();
      const body = ndjson(
        [
          header('js style'),
          { key: 'file', value: { path: 'a.txt', content: 'plain ✓ text', encoding: 'utf-8' } },
          fileLine('b.txt', 'B'),
        ],
        'js',
      ).replace(/\n/g, '\r\n');
      const response = await postCommit(hub, alice.token, id, 'main', body).expect(200);
      expect(response.body.commitOid).toBe(revParse(git, 'main'));
      expect(showFile(git, 'main', 'a.txt')?.toString()).toBe('plain ✓ text');
      expect(showFile(git, 'main', 'b.txt')?.toString()).toBe('B');
    });

    it('should build URLs on the host the client used', async () => {
      const { id, git } = await freshRepo();
      const response = await commitLines(hub, alice.token, id, [header(), fileLine('x', 'x')])
        .set('Host', 'hub.example.test:8443')
        .expect(200);
      expect(response.body.commitUrl).toBe(`http://hub.example.test:8443/${id}/commit/${revParse(git, 'main')}`);
    });

    it.each(['dataset', 'space'] as const)('should commit to a %s under its own prefix', async (type) => {
      const { id, git } = await newRepo(hub, alice, `typed-${type}`, { type });
      const response = await commitLines(hub, alice.token, id, [header(), fileLine('data.csv', 'a,b\n')], {
        type,
      }).expect(200);
      expect(response.body.commitUrl).toBe(`${hub.url}/${type}s/${id}/commit/${revParse(git, 'main')}`);
      expect(showFile(git, 'main', 'data.csv')?.toString()).toBe('a,b\n');
    });

    it('should apply deletions of files and folders, with or without a trailing slash, in order', async () => {
      const { id, git } = await freshRepo();
      await commitLines(hub, alice.token, id, [
        header(),
        fileLine('keep.txt', 'k'),
        fileLine('gone.txt', 'g'),
        fileLine('one/a.txt', 'a'),
        fileLine('one/deep/b.txt', 'b'),
        fileLine('two/c.txt', 'c'),
      ]).expect(200);
      await commitLines(hub, alice.token, id, [
        header('deletions'),
        { key: 'deletedFile', value: { path: 'gone.txt' } },
        { key: 'deletedFolder', value: { path: 'one/' } },
        { key: 'deletedFolder', value: { path: 'two' } },
        fileLine('two/new.txt', 'n'),
        fileLine('temp.txt', 't'),
        { key: 'deletedFile', value: { path: 'temp.txt' } },
      ]).expect(200);
      expect(listFiles(git, 'main')).toEqual(['.gitattributes', 'keep.txt', 'two/new.txt']);
    });

    it('should copy files within the commit and from another revision (copyFile)', async () => {
      const { id, git } = await freshRepo();
      await commitLines(hub, alice.token, id, [header(), fileLine('src.txt', 'v1')]).expect(200);
      const firstCommit = revParse(git, 'main');
      await commitLines(hub, alice.token, id, [
        header('copies'),
        fileLine('src.txt', 'v2'),
        { key: 'copyFile', value: { path: 'copy-now.txt', srcPath: 'src.txt' } },
        { key: 'copyFile', value: { path: 'copy-old.txt', srcPath: 'src.txt', srcRevision: firstCommit } },
      ]).expect(200);
      expect(showFile(git, 'main', 'copy-now.txt')?.toString()).toBe('v2');
      expect(showFile(git, 'main', 'copy-old.txt')?.toString()).toBe('v1');
      const missing = await commitLines(hub, alice.token, id, [
        header(),
        { key: 'copyFile', value: { path: 'x.txt', srcPath: 'nope.txt' } },
      ]).expect(404);
      expect(missing.headers['x-error-code']).toBe('EntryNotFound');
      const badRevision = await commitLines(hub, alice.token, id, [
        header(),
        { key: 'copyFile', value: { path: 'x.txt', srcPath: 'src.txt', srcRevision: 'no-such' } },
      ]).expect(404);
      expect(badRevision.headers['x-error-code']).toBe('RevisionNotFound');
    });

    it('should treat a file line with oldPath and no content as a rename', async () => {
      const { id, git } = await freshRepo();
      await commitLines(hub, alice.token, id, [header(), fileLine('old.txt', 'content')]).expect(200);
      await commitLines(hub, alice.token, id, [
        header('rename'),
        { key: 'file', value: { path: 'new.txt', oldPath: 'old.txt' } },
      ]).expect(200);
      expect(listFiles(git, 'main')).toEqual(['.gitattributes', 'new.txt']);
      expect(showFile(git, 'main', 'new.txt')?.toString()).toBe('content');
    });

    it('should return the current head and make no commit when nothing changes', async () => {
      const { id, git } = await freshRepo();
      await commitLines(hub, alice.token, id, [header(), fileLine('same.txt', 'same')]).expect(200);
      const head = revParse(git, 'main');
      const response = await commitLines(hub, alice.token, id, [header('again'), fileLine('same.txt', 'same')]).expect(
        200,
      );
      expect(response.body.commitOid).toBe(head);
      expect(revParse(git, 'main')).toBe(head);
      expect(commitCount(git, 'main')).toBe(2);
      const headerOnly = await commitLines(hub, alice.token, id, [header('empty')]).expect(200);
      expect(headerOnly.body.commitOid).toBe(head);
    });

    it('should commit to a branch whose name holds a slash, sent percent-encoded', async () => {
      const { id, git } = await freshRepo();
      gitIn(git, ['update-ref', 'refs/heads/feat/x', 'refs/heads/main']);
      const response = await commitLines(hub, alice.token, id, [header(), fileLine('f.txt', 'f')], {
        revision: 'feat/x',
      }).expect(200);
      expect(response.body.commitOid).toBe(revParse(git, 'refs/heads/feat/x'));
      expect(showFile(git, 'main', 'f.txt')).toBeNull();
    });
  });

  describe('parentCommit', () => {
    it('should answer 412 with the Hub message when the branch moved, and commit when it matches (short or full)', async () => {
      const { id, git } = await freshRepo();
      const initial = revParse(git, 'main');
      await commitLines(hub, alice.token, id, [header(), fileLine('a.txt', '1')]).expect(200);
      const head = revParse(git, 'main');
      const stale = await commitLines(hub, alice.token, id, [
        header('stale', { parentCommit: initial }),
        fileLine('b.txt', '2'),
      ]).expect(412);
      expect(stale.headers['x-error-message']).toBe(
        'The branch was updated since you opened this page. Please refresh and try again.',
      );
      expect(revParse(git, 'main')).toBe(head);
      await commitLines(hub, alice.token, id, [
        header('short', { parentCommit: head.slice(0, 7) }),
        fileLine('b.txt', '2'),
      ]).expect(200);
      const next = revParse(git, 'main');
      await commitLines(hub, alice.token, id, [header('full', { parentCommit: next }), fileLine('c.txt', '3')]).expect(
        200,
      );
      expect(gitIn(git, ['rev-parse', 'main^']).trim()).toBe(next);
      const malformed = await commitLines(hub, alice.token, id, [header('bad', { parentCommit: 'xyz' })]).expect(400);
      expect(malformed.headers['x-error-code']).toBe('BadRequest');
    });
  });

  describe('pull requests (create_pr=1)', () => {
    it('should number new pull requests, commit onto refs/pr/N and leave the branch alone', async () => {
      const { id, git } = await freshRepo();
      const main = revParse(git, 'main');
      const first = await commitLines(hub, alice.token, id, [header('pr one'), fileLine('pr1.txt', '1')], {
        query: 'create_pr=1',
      }).expect(200);
      expect(first.body).toEqual({
        commitOid: revParse(git, 'refs/pr/1'),
        commitUrl: `${hub.url}/${id}/commit/${revParse(git, 'refs/pr/1')}`,
        pullRequestUrl: `${hub.url}/${id}/discussions/1`,
      });
      const second = await commitLines(hub, alice.token, id, [header('pr two'), fileLine('pr2.txt', '2')], {
        query: 'create_pr=true',
      }).expect(200);
      expect(second.body.pullRequestUrl).toBe(`${hub.url}/${id}/discussions/2`);
      expect(revParse(git, 'main')).toBe(main);
      expect(gitIn(git, ['rev-parse', 'refs/pr/1^']).trim()).toBe(main);
      expect(showFile(git, 'refs/pr/1', 'pr1.txt')?.toString()).toBe('1');
      expect(showFile(git, 'refs/pr/2', 'pr1.txt')).toBeNull();

      const onPr = await commitLines(hub, alice.token, id, [header('more'), fileLine('more.txt', 'm')], {
        revision: 'refs/pr/1',
      }).expect(200);
      expect(onPr.body.commitOid).toBe(revParse(git, 'refs/pr/1'));
      expect(onPr.body.pullRequestUrl).toBeNull();
      expect(listFiles(git, 'refs/pr/1')).toEqual(['.gitattributes', 'more.txt', 'pr1.txt']);

      const raw = await request(hub.url)
        .post(`/api/models/${id}/commit/refs/pr/2`)
        .set(bearer(alice.token))
        .set('Content-Type', 'application/x-ndjson')
        .send(ndjson([header('raw revision'), fileLine('raw.txt', 'r')]))
        .expect(200);
      expect(raw.body.commitOid).toBe(revParse(git, 'refs/pr/2'));
    });

    it('should base the pull request on parentCommit when given', async () => {
      const { id, git } = await freshRepo();
      const initial = revParse(git, 'main');
      await commitLines(hub, alice.token, id, [header(), fileLine('later.txt', 'l')]).expect(200);
      await commitLines(hub, alice.token, id, [header('pr', { parentCommit: initial }), fileLine('p.txt', 'p')], {
        query: 'create_pr=1',
      }).expect(200);
      expect(gitIn(git, ['rev-parse', 'refs/pr/1^']).trim()).toBe(initial);
      expect(showFile(git, 'refs/pr/1', 'later.txt')).toBeNull();
    });

    it('should refuse create_pr on a commit id, a tag, a pull request or a missing branch with RevisionNotFound', async () => {
      const { id, git } = await freshRepo();
      gitIn(git, ['update-ref', 'refs/tags/v1', 'main']);
      for (const revision of [revParse(git, 'main'), 'v1', 'missing', 'refs/pr/1']) {
        const response = await commitLines(hub, alice.token, id, [header(), fileLine('x', 'x')], {
          revision,
          query: 'create_pr=1',
        });
        expect([revision, response.status, response.headers['x-error-code']]).toEqual([
          revision,
          404,
          'RevisionNotFound',
        ]);
      }
      expect(gitIn(git, ['for-each-ref', 'refs/pr'])).toBe('');
    });
  });

  describe('LFS files', () => {
    it('should write a standard pointer and add an exact .gitattributes rule only for paths not already tracked', async () => {
      const { id, git } = await freshRepo();
      const weights = await uploadLfsObject(hub, alice.token, id, Buffer.from('weights '.repeat(1000)));
      const data = await uploadLfsObject(hub, alice.token, id, Buffer.from('data with spaces'));
      const before = showFile(git, 'main', '.gitattributes')?.toString() ?? '';
      const response = await commitLines(hub, alice.token, id, [
        header('lfs'),
        lfsFileLine('model.safetensors', weights),
        lfsFileLine('my data/big [1].csv', data),
        lfsFileLine('copy.csv', { oid: data.oid }),
      ]).expect(200);
      expect(response.body.commitOid).toBe(revParse(git, 'main'));
      expect(showFile(git, 'main', 'model.safetensors')?.toString()).toBe(lfsPointerText(weights));
      expect(showFile(git, 'main', 'copy.csv')?.toString()).toBe(lfsPointerText(data));
      const after = showFile(git, 'main', '.gitattributes')?.toString();
      expect(after).toBe(
        `${before}/my[[:space:]]data/big[[:space:]]\\[1].csv filter=lfs diff=lfs merge=lfs -text\n/copy.csv filter=lfs diff=lfs merge=lfs -text\n`,
      );
      expect(lfsFilterOf(git, 'main', ['model.safetensors', 'my data/big [1].csv', 'copy.csv', 'other.csv'])).toEqual({
        'model.safetensors': 'lfs',
        'my data/big [1].csv': 'lfs',
        'copy.csv': 'lfs',
        'other.csv': 'unspecified',
      });
      expect(commitCount(git, 'main')).toBe(2);
    });

    it('should refuse an lfsFile whose object was never uploaded, or with a wrong size, changing nothing', async () => {
      const { id, git } = await freshRepo();
      const head = revParse(git, 'main');
      const unknown = await commitLines(hub, alice.token, id, [
        header(),
        fileLine('ok.txt', 'ok'),
        lfsFileLine('w.bin', { oid: sha256Hex(Buffer.from('never')), size: 5 }),
      ]);
      expect(unknown.status).toBe(422);
      expect(unknown.headers['x-error-code']).toBe('UnprocessableEntity');
      const object = await uploadLfsObject(hub, alice.token, id, Buffer.from('twelve bytes'));
      const wrongSize = await commitLines(hub, alice.token, id, [
        header(),
        lfsFileLine('w.bin', { oid: object.oid, size: 99 }),
      ]);
      expect(wrongSize.status).toBe(422);
      const badOid = await commitLines(hub, alice.token, id, [header(), lfsFileLine('w.bin', { oid: 'abc', size: 1 })]);
      expect([badOid.status, badOid.headers['x-error-code']]).toEqual([400, 'BadRequest']);
      expect(revParse(git, 'main')).toBe(head);
    });

    it('should record the commit and its LFS references in the database', async () => {
      const { id, git } = await freshRepo();
      const object = await uploadLfsObject(hub, alice.token, id, Buffer.from('recorded object'));
      const response = await commitLines(hub, alice.token, id, [
        header('recorded', { description: 'with details' }),
        lfsFileLine('r.bin', object),
        fileLine('r.txt', 'r'),
      ]).expect(200);
      const dataSource = hub.app.get(DataSource);
      const record = await dataSource
        .getRepository(CommitRecordEntity)
        .findOneByOrFail({ commitSha: response.body.commitOid });
      expect(record).toMatchObject({
        ref: 'refs/heads/main',
        username: 'alice',
        summary: 'recorded',
        description: 'with details',
      });
      expect(record.authorId).toEqual(expect.any(Number));
      const refs = await dataSource.getRepository(LfsObjectRefEntity).findBy({ commitSha: response.body.commitOid });
      expect(refs.map(({ path, oid, size, repoId }) => ({ path, oid, size, repoId }))).toEqual([
        { path: 'r.bin', oid: object.oid, size: object.size, repoId: record.repoId },
      ]);
      expect(revParse(git, 'main')).toBe(response.body.commitOid);
    });
  });

  describe('bad input changes nothing', () => {
    const invalidPaths: [string, string][] = [
      ['a ".." segment', '../escape.txt'],
      ['a ".." segment in the middle', 'a/../../etc/passwd'],
      ['a Windows-style ".." segment', '..\\ddd'],
      ['an absolute path', '/absolute.txt'],
      ['an empty segment', 'a//b.txt'],
      ['a trailing slash', 'trailing/'],
      ['a ".git" folder', '.git/config'],
      ['a ".git" folder in another case', 'sub/.GIT/hooks/x'],
      ['a "." segment', './x.txt'],
      ['a NUL byte', 'nul\u0000byte'],
      ['a tab', 'tab\there'],
      ['a newline', 'line\nbreak'],
      ['a path over 4096 bytes', `${'d/'.repeat(2100)}x`],
      ['a segment over 255 bytes', `${'n'.repeat(256)}.txt`],
    ];

    it.each(invalidPaths)('should refuse %s with 422 naming the path', async (_case, path) => {
      const { id, git } = await freshRepo();
      const head = revParse(git, 'main');
      const response = await commitLines(hub, alice.token, id, [
        header(),
        fileLine('fine.txt', 'fine'),
        fileLine(path, 'x'),
      ]);
      expect(response.status).toBe(422);
      expect(response.headers['x-error-code']).toBe('InvalidPath');
      // eslint-disable-next-line no-control-regex -- control characters are named with escapes
      const shown = /[\x00-\x1f]/.test(path) ? JSON.stringify(path).slice(1, -1) : path;
      expect(response.body.error).toContain(`"${shown.slice(0, 40)}`);
      expect(revParse(git, 'main')).toBe(head);
    });

    it('should answer the error even when it comes early in a large body the client is still sending', async () => {
      const { id, git } = await freshRepo();
      const head = revParse(git, 'main');
      const filler = Array.from({ length: 3000 }, (_, index) => fileLine(`fill/${index}.txt`, 'x'.repeat(2048)));
      const response = await commitLines(hub, alice.token, id, [header(), fileLine('../early', 'x'), ...filler]);
      expect([response.status, response.headers['x-error-code']]).toEqual([422, 'InvalidPath']);
      const afterLfs = await commitLines(hub, alice.token, id, [
        header(),
        ...filler.slice(0, 1500),
        lfsFileLine('w.bin', { oid: sha256Hex(Buffer.from('none')) }),
        ...filler.slice(1500),
      ]);
      expect(afterLfs.status).toBe(422);
      expect(revParse(git, 'main')).toBe(head);
      expect(gitIn(git, ['for-each-ref', 'refs/kohaku'])).toBe('');
    });

    it('should refuse invalid paths in deletions and copies as well', async () => {
      const { id } = await freshRepo();
      for (const line of [
        { key: 'deletedFile', value: { path: '../x' } },
        { key: 'deletedFolder', value: { path: '.git/' } },
        { key: 'copyFile', value: { path: 'ok.txt', srcPath: '/etc/passwd' } },
        { key: 'copyFile', value: { path: 'a/../b', srcPath: '.gitattributes' } },
      ]) {
        const response = await commitLines(hub, alice.token, id, [header(), line]);
        expect([line, response.status, response.headers['x-error-code']]).toEqual([line, 422, 'InvalidPath']);
      }
    });

    it.each([
      [
        'invalid base64',
        [header(), { key: 'file', value: { path: 'a.txt', content: 'not base64!!', encoding: 'base64' } }],
        400,
      ],
      [
        'base64 with a bad length',
        [header(), { key: 'file', value: { path: 'a.txt', content: 'abc', encoding: 'base64' } }],
        400,
      ],
      [
        'an unknown encoding',
        [header(), { key: 'file', value: { path: 'a.txt', content: 'x', encoding: 'latin1' } }],
        400,
      ],
      ['an unknown line key', [header(), { key: 'renameFile', value: { path: 'a.txt' } }], 400],
      ['a missing header', [fileLine('a.txt', 'a')], 400],
      ['a second header', [header(), fileLine('a.txt', 'a'), header()], 400],
      ['an empty summary', [header(''), fileLine('a.txt', 'a')], 400],
      ['a line without value', [header(), { key: 'file' }], 400],
      ['a file without content', [header(), { key: 'file', value: { path: 'a.txt' } }], 400],
    ] as [string, object[], number][])(
      'should refuse %s with a 4xx, an X-Error-Code and no change',
      async (_case, lines, status) => {
        const { id, git } = await freshRepo();
        const head = revParse(git, 'main');
        const body = lines.map((line) => JSON.stringify(line)).join('\n');
        const response = await postCommit(hub, alice.token, id, 'main', body);
        expect(response.status).toBe(status);
        expect(response.headers['x-error-code']).toBe('BadRequest');
        expect(response.headers['content-type']).toMatch(/application\/json/);
        expect(revParse(git, 'main')).toBe(head);
      },
    );

    it('should refuse a body that is not JSON lines, and an empty body', async () => {
      const { id, git } = await freshRepo();
      const head = revParse(git, 'main');
      for (const body of ['{"key":"header","value":{"summary":"s"}}\nthis is not json\n', '', '\n\n']) {
        const response = await postCommit(hub, alice.token, id, 'main', body);
        expect([JSON.stringify(body), response.status, response.headers['x-error-code']]).toEqual([
          JSON.stringify(body),
          400,
          'BadRequest',
        ]);
      }
      expect(revParse(git, 'main')).toBe(head);
    });

    it('should answer 404 EntryNotFound with the Hub phrase for deletions of missing paths', async () => {
      const { id, git } = await freshRepo();
      await commitLines(hub, alice.token, id, [header(), fileLine('folder/file.txt', 'f')]).expect(200);
      const head = revParse(git, 'main');
      const cases = [
        { key: 'deletedFile', value: { path: 'missing.txt' } },
        { key: 'deletedFile', value: { path: 'folder' } },
        { key: 'deletedFolder', value: { path: 'nothing/' } },
        { key: 'deletedFolder', value: { path: 'folder/file.txt' } },
      ];
      for (const line of cases) {
        const response = await commitLines(hub, alice.token, id, [header(), fileLine('new.txt', 'n'), line]);
        expect([line, response.status, response.headers['x-error-code']]).toEqual([line, 404, 'EntryNotFound']);
        expect(response.body.error).toMatch(/A (file|folder) with this name doesn't exist/);
      }
      const twice = await commitLines(hub, alice.token, id, [
        header(),
        { key: 'deletedFile', value: { path: 'folder/file.txt' } },
        { key: 'deletedFile', value: { path: 'folder/file.txt' } },
      ]);
      expect(twice.status).toBe(404);
      expect(revParse(git, 'main')).toBe(head);
    });

    it('should answer RevisionNotFound for a missing branch, a tag or a commit id', async () => {
      const { id, git } = await freshRepo();
      gitIn(git, ['update-ref', 'refs/tags/v1', 'main']);
      for (const revision of ['nope', 'v1', revParse(git, 'main'), 'refs/pr/7']) {
        const response = await commitLines(hub, alice.token, id, [header(), fileLine('x', 'x')], { revision });
        expect([revision, response.status, response.headers['x-error-code']]).toEqual([
          revision,
          404,
          'RevisionNotFound',
        ]);
      }
    });

    it('should refuse a JSON body (nothing left to stream) with 415', async () => {
      const { id } = await freshRepo();
      const response = await request(hub.url)
        .post(`/api/models/${id}/commit/main`)
        .set(bearer(alice.token))
        .send({ key: 'header', value: { summary: 's' } });
      expect(response.status).toBe(415);
    });
  });

  describe('size limits', () => {
    const limits = separateHub('carol', 'limits', { env: { KOHAKU_HUB_LFS_THRESHOLD_BYTES: '3000' } });

    it('should accept a regular file just under the limit and refuse a larger one with 413', async () => {
      const { hub: small, writer: carol, id, git } = limits;
      await commitLines(small, carol.token, id, [header(), fileLine('fits.txt', 'x'.repeat(3000))]).expect(200);
      const head = revParse(git, 'main');
      const tooBig = await commitLines(small, carol.token, id, [header(), fileLine('big.txt', 'y'.repeat(3001))]);
      expect(tooBig.status).toBe(413);
      expect(tooBig.headers['x-error-code']).toBe('PayloadTooLarge');
      expect(tooBig.body.error).toContain('big.txt');
      const hugeLine = await postCommit(
        small,
        carol.token,
        id,
        'main',
        `${JSON.stringify(header())}\n${JSON.stringify(fileLine('huge.txt', 'z'.repeat(200_000)))}\n`,
      );
      expect(hugeLine.status).toBe(413);
      expect(hugeLine.body.error).toMatch(/line of the commit payload is larger/);
      expect(revParse(git, 'main')).toBe(head);
    });
  });

  describe('LFS files on S3 storage', () => {
    const onS3 = separateHub('dave', 'on-s3', { storage: 's3' });

    it('should commit an object uploaded to a presigned URL and refuse one that never arrived', async () => {
      const { hub: s3Hub, writer: dave, id, git } = onS3;
      const object = await uploadLfsObject(s3Hub, dave.token, id, Buffer.from('stored in the bucket'));
      await commitLines(s3Hub, dave.token, id, [header(), lfsFileLine('data/obj.parquet', object)]).expect(200);
      expect(showFile(git, 'main', 'data/obj.parquet')?.toString()).toBe(lfsPointerText(object));
      const missing = await commitLines(s3Hub, dave.token, id, [
        header(),
        lfsFileLine('x.bin', { oid: sha256Hex(Buffer.from('absent')), size: 6 }),
      ]);
      expect(missing.status).toBe(422);
    });
  });

  describe('access', () => {
    it('should answer a write to a private repository without access exactly like a missing repository', async () => {
      const { id, git } = await freshRepo({ isPrivate: true });
      const head = revParse(git, 'main');
      const hidden = await commitLines(hub, bob.token, id, [header(), fileLine('x', 'x')]);
      const missing = await commitLines(hub, bob.token, 'alice/does-not-exist', [header(), fileLine('x', 'x')]);
      expect([hidden.status, hidden.headers['x-error-code']]).toEqual([404, 'RepoNotFound']);
      expect([missing.status, missing.headers['x-error-code']]).toEqual([404, 'RepoNotFound']);
      expect(hidden.body.error.replace(id, 'ID')).toBe(missing.body.error.replace('alice/does-not-exist', 'ID'));
      expect(revParse(git, 'main')).toBe(head);
    });

    it('should refuse writers without write access to a public repository, read tokens and anonymous callers', async () => {
      const { id, git } = await freshRepo();
      const head = revParse(git, 'main');
      const readToken = await apiToken(hub, alice.account, 'read');
      const other = await commitLines(hub, bob.token, id, [header(), fileLine('x', 'x')]);
      const readOnly = await commitLines(hub, readToken, id, [header(), fileLine('x', 'x')]);
      const anonymous = await request(hub.url)
        .post(`/api/models/${id}/commit/main`)
        .set('Content-Type', 'application/x-ndjson')
        .send(ndjson([header(), fileLine('x', 'x')]));
      expect([other.status, readOnly.status, anonymous.status]).toEqual([403, 403, 401]);
      expect(revParse(git, 'main')).toBe(head);
    });
  });
});
