import request from 'supertest';
import { DataSource } from 'typeorm';
import { CommitRecordEntity } from 'src/commit/commit-record.entity';
import { GitRepository } from 'src/git/git-repository';
import { TestHub } from 'test/utils/test-hub';
import {
  bearer,
  commitLines,
  createRepo,
  createWriterHub,
  fileLine,
  gitIn,
  header,
  listFiles,
  newRepo,
  revParse,
  Writer,
} from 'test/e2e/commit-helpers';

describe('branches, tags and squash', () => {
  let hub: TestHub;
  let alice: Writer;
  let bob: Writer;
  let git: GitRepository;

  beforeAll(async () => {
    [hub, alice, bob] = await createWriterHub(['alice', 'bob']);
    ({ git } = await newRepo(hub, alice, 'refs'));
    await commitLines(hub, alice.token, 'alice/refs', [header('one'), fileLine('a.txt', 'a')]).expect(200);
    await commitLines(hub, alice.token, 'alice/refs', [header('two'), fileLine('b.txt', 'b')]).expect(200);
  });

  afterAll(async () => {
    await hub.close();
  });

  /**
   * A call to `/api/models/{repo}/{tail}` (alice/refs unless told), as alice unless another token
   * is given (null: anonymously). POST always sends a JSON body, `{}` unless one is given.
   */
  function call(
    method: 'post' | 'delete',
    tail: string,
    options: { body?: object; token?: string | null; repo?: string } = {},
  ): request.Test {
    const path = `/api/models/${options.repo ?? 'alice/refs'}/${tail}`;
    const test = method === 'post' ? request(hub.url).post(path) : request(hub.url).delete(path);
    const token = options.token === undefined ? alice.token : options.token;
    const authorized = token === null ? test : test.set(bearer(token));
    return method === 'post' || options.body !== undefined ? authorized.send(options.body ?? {}) : authorized;
  }

  describe('POST /branch/{branch}', () => {
    it('should create a branch at the default branch, at a starting point, and answer 409 when it exists', async () => {
      await call('post', 'branch/dev').expect(200);
      expect(revParse(git, 'refs/heads/dev')).toBe(revParse(git, 'main'));
      await call('post', `branch/${encodeURIComponent('feat/old')}`, {
        body: { startingPoint: revParse(git, 'main~1') },
      }).expect(200);
      expect(revParse(git, 'refs/heads/feat/old')).toBe(revParse(git, 'main~1'));
      const again = await call('post', 'branch/dev').expect(409);
      expect(again.headers['x-error-message']).toBe('Reference refs/heads/dev already exists');
    });

    it('should move an existing branch with overwrite, and start an empty branch with emptyBranch', async () => {
      await call('post', 'branch/movable').expect(200);
      await call('post', 'branch/movable', {
        body: { startingPoint: revParse(git, 'main~1'), overwrite: true },
      }).expect(200);
      expect(revParse(git, 'refs/heads/movable')).toBe(revParse(git, 'main~1'));
      await call('post', 'branch/empty', { body: { emptyBranch: true } }).expect(200);
      expect(listFiles(git, 'refs/heads/empty')).toEqual([]);
      expect(gitIn(git, ['rev-list', '--count', 'refs/heads/empty']).trim()).toBe('1');
    });

    it('should allow a branch named like a tag, and commits to the new branch', async () => {
      gitIn(git, ['update-ref', 'refs/tags/same', 'main']);
      await call('post', 'branch/same').expect(200);
      await commitLines(hub, alice.token, 'alice/refs', [header(), fileLine('s.txt', 's')], {
        revision: 'refs/heads/same',
      }).expect(200);
      expect(listFiles(git, 'refs/heads/same')).toContain('s.txt');
    });

    it('should refuse invalid names with 400 and unknown starting points with RevisionNotFound', async () => {
      for (const name of ['refs/pr/5', 'refs/foo/bar', 'bad name', 'a..b', 'HEAD', '-dash', 'x.lock']) {
        const response = await call('post', `branch/${encodeURIComponent(name)}`);
        expect([name, response.status, response.headers['x-error-code']]).toEqual([name, 400, 'BadRequest']);
      }
      const unknown = await call('post', 'branch/from-nowhere', {
        body: { startingPoint: 'does-not-exist' },
      }).expect(404);
      expect(unknown.headers['x-error-code']).toBe('RevisionNotFound');
    });
  });

  describe('DELETE /branch/{branch}', () => {
    it('should delete a branch, refuse the default branch with 403 and missing branches with RevisionNotFound', async () => {
      await call('post', `branch/${encodeURIComponent('to/delete')}`).expect(200);
      await call('delete', `branch/${encodeURIComponent('to/delete')}`).expect(200);
      expect(gitIn(git, ['for-each-ref', 'refs/heads/to'])).toBe('');
      const main = await call('delete', 'branch/main').expect(403);
      expect(main.headers['x-error-message']).toBe('Cannot delete refs/heads/main');
      const missing = await call('delete', 'branch/never-was').expect(404);
      expect(missing.headers['x-error-code']).toBe('RevisionNotFound');
      expect(missing.headers['x-error-message']).toContain('Invalid rev id');
      gitIn(git, ['update-ref', 'refs/tags/only-a-tag', 'main']);
      const tag = await call('delete', 'branch/only-a-tag').expect(404);
      expect(tag.headers['x-error-code']).toBe('RevisionNotFound');
      expect(revParse(git, 'refs/tags/only-a-tag')).toBe(revParse(git, 'main'));
    });
  });

  describe('tags', () => {
    it('should create lightweight and annotated tags on any revision, 409 on an existing one', async () => {
      await call('post', 'tag/main', { body: { tag: 'v1' } }).expect(200);
      expect(gitIn(git, ['cat-file', '-t', 'refs/tags/v1']).trim()).toBe('commit');
      expect(revParse(git, 'refs/tags/v1')).toBe(revParse(git, 'main'));
      const older = revParse(git, 'main~1');
      await call('post', `tag/${older}`, { body: { tag: 'v0', message: 'First release\n\nNotes.' } }).expect(200);
      expect(gitIn(git, ['cat-file', '-t', 'refs/tags/v0']).trim()).toBe('tag');
      expect(revParse(git, 'refs/tags/v0^{commit}')).toBe(older);
      expect(gitIn(git, ['cat-file', '-p', 'refs/tags/v0'])).toMatch(
        /^object [0-9a-f]{40}\ntype commit\ntag v0\ntagger alice <alice@users\.noreply\.kohakuhub> \d+ \+0000\n\nFirst release\n\nNotes\.\n$/,
      );
      await call('post', 'tag/v1', { body: { tag: 'v1-again' } }).expect(200);
      const again = await call('post', 'tag/main', { body: { tag: 'v1' } }).expect(409);
      expect(again.headers['x-error-message']).toBe('Reference refs/tags/v1 already exists');
      expect((await git.fsck()).ok).toBe(true);
    });

    it('should refuse invalid tag names and unknown revisions', async () => {
      const invalid = await call('post', 'tag/main', { body: { tag: 'with space' } });
      expect(invalid.status).toBe(400);
      const unknown = await call('post', 'tag/nope', { body: { tag: 'v9' } });
      expect([unknown.status, unknown.headers['x-error-code']]).toEqual([404, 'RevisionNotFound']);
    });

    it('should delete tags and answer RevisionNotFound for missing ones', async () => {
      await call('post', 'tag/main', { body: { tag: 'release/1', message: 'annotated' } }).expect(200);
      await call('delete', `tag/${encodeURIComponent('release/1')}`).expect(200);
      expect(gitIn(git, ['for-each-ref', 'refs/tags/release'])).toBe('');
      const missing = await call('delete', 'tag/release/1').expect(404);
      expect(missing.headers['x-error-code']).toBe('RevisionNotFound');
    });
  });

  describe('POST /super-squash/{branch}', () => {
    it('should replace the history with one commit holding the same tree, and record it', async () => {
      const { id, git: squashed } = await newRepo(hub, alice, 'squash');
      for (let index = 0; index < 3; index++) {
        await commitLines(hub, alice.token, id, [header(`c${index}`), fileLine(`f${index}.txt`, `${index}`)]).expect(
          200,
        );
      }
      const tree = revParse(squashed, 'main^{tree}');
      const response = await call('post', 'super-squash/main', { repo: id, body: { message: 'Squashed' } }).expect(200);
      expect(response.body).toEqual({
        commitOid: revParse(squashed, 'main'),
        commitUrl: `${hub.url}/${id}/commit/${revParse(squashed, 'main')}`,
      });
      expect(gitIn(squashed, ['rev-list', '--count', 'main']).trim()).toBe('1');
      expect(revParse(squashed, 'main^{tree}')).toBe(tree);
      expect(gitIn(squashed, ['log', '-1', '--format=%s|%an', 'main']).trim()).toBe('Squashed|alice');
      const record = await hub.app
        .get(DataSource)
        .getRepository(CommitRecordEntity)
        .findOneBy({ commitSha: response.body.commitOid });
      expect(record).toMatchObject({ ref: 'refs/heads/main', username: 'alice', summary: 'Squashed' });
      const missing = await call('post', 'super-squash/nope', { repo: id });
      expect([missing.status, missing.headers['x-error-code']]).toEqual([404, 'RevisionNotFound']);
    });
  });

  describe('access', () => {
    it('should answer 401 anonymously, 403 to non-writers of a public repo and RepoNotFound on private repos', async () => {
      await createRepo(hub, alice.token, 'secret', { isPrivate: true });
      const routes: ['post' | 'delete', string][] = [
        ['post', 'branch/x'],
        ['delete', 'branch/dev'],
        ['post', 'tag/main'],
        ['delete', 'tag/v1'],
        ['post', 'super-squash/main'],
      ];
      for (const [method, tail] of routes) {
        const body = { tag: 'tagged' };
        const anonymous = await call(method, tail, { body, token: null });
        const other = await call(method, tail, { body, token: bob.token });
        const hidden = await call(method, tail, { body, token: bob.token, repo: 'alice/secret' });
        expect([tail, anonymous.status, other.status, hidden.status, hidden.headers['x-error-code']]).toEqual([
          tail,
          401,
          403,
          404,
          'RepoNotFound',
        ]);
      }
    });
  });
});
