import request from 'supertest';
import { DataSource } from 'typeorm';
import { CommitRecordEntity } from 'src/commit/commit-record.entity';
import { createTestHub, TestHub } from 'test/utils/test-hub';
import {
  ACCOUNT_TEST_ENV,
  bearer,
  createRepo,
  fileLine,
  gitIn,
  header,
  listFiles,
  ndjson,
  newWriter,
  openGit,
  postCommit,
  revParse,
  Writer,
} from 'test/e2e/commit-helpers';

describe('branches, tags and squash', () => {
  let hub: TestHub;
  let alice: Writer;
  let bob: Writer;

  beforeAll(async () => {
    hub = await createTestHub({ env: ACCOUNT_TEST_ENV });
    alice = await newWriter(hub, 'alice');
    bob = await newWriter(hub, 'bob');
    await createRepo(hub, alice.token, 'refs');
    await postCommit(hub, alice.token, 'alice/refs', 'main', ndjson([header('one'), fileLine('a.txt', 'a')])).expect(
      200,
    );
    await postCommit(hub, alice.token, 'alice/refs', 'main', ndjson([header('two'), fileLine('b.txt', 'b')])).expect(
      200,
    );
  });

  afterAll(async () => {
    await hub.close();
  });

  const api = '/api/models/alice/refs';

  describe('POST /branch/{branch}', () => {
    it('should create a branch at the default branch, at a starting point, and answer 409 when it exists', async () => {
      const git = await openGit(hub, 'alice/refs');
      await request(hub.url).post(`${api}/branch/dev`).set(bearer(alice.token)).send({}).expect(200);
      expect(revParse(git, 'refs/heads/dev')).toBe(revParse(git, 'main'));
      await request(hub.url)
        .post(`${api}/branch/${encodeURIComponent('feat/old')}`)
        .set(bearer(alice.token))
        .send({ startingPoint: revParse(git, 'main~1') })
        .expect(200);
      expect(revParse(git, 'refs/heads/feat/old')).toBe(revParse(git, 'main~1'));
      const again = await request(hub.url).post(`${api}/branch/dev`).set(bearer(alice.token)).send({}).expect(409);
      expect(again.headers['x-error-message']).toBe('Reference refs/heads/dev already exists');
    });

    it('should move an existing branch with overwrite, and start an empty branch with emptyBranch', async () => {
      const git = await openGit(hub, 'alice/refs');
      await request(hub.url).post(`${api}/branch/movable`).set(bearer(alice.token)).send({}).expect(200);
      await request(hub.url)
        .post(`${api}/branch/movable`)
        .set(bearer(alice.token))
        .send({ startingPoint: revParse(git, 'main~1'), overwrite: true })
        .expect(200);
      expect(revParse(git, 'refs/heads/movable')).toBe(revParse(git, 'main~1'));
      await request(hub.url)
        .post(`${api}/branch/empty`)
        .set(bearer(alice.token))
        .send({ emptyBranch: true })
        .expect(200);
      expect(listFiles(git, 'refs/heads/empty')).toEqual([]);
      expect(gitIn(git, ['rev-list', '--count', 'refs/heads/empty']).trim()).toBe('1');
    });

    it('should allow a branch named like a tag, and commits to the new branch', async () => {
      const git = await openGit(hub, 'alice/refs');
      gitIn(git, ['update-ref', 'refs/tags/same', 'main']);
      await request(hub.url).post(`${api}/branch/same`).set(bearer(alice.token)).send({}).expect(200);
      await postCommit(
        hub,
        alice.token,
        'alice/refs',
        'refs/heads/same',
        ndjson([header(), fileLine('s.txt', 's')]),
      ).expect(200);
      expect(listFiles(git, 'refs/heads/same')).toContain('s.txt');
    });

    it('should refuse invalid names with 400 and unknown starting points with RevisionNotFound', async () => {
      for (const name of ['refs/pr/5', 'refs/foo/bar', 'bad name', 'a..b', 'HEAD', '-dash', 'x.lock']) {
        const response = await request(hub.url)
          .post(`${api}/branch/${encodeURIComponent(name)}`)
          .set(bearer(alice.token))
          .send({});
        expect([name, response.status, response.headers['x-error-code']]).toEqual([name, 400, 'BadRequest']);
      }
      const unknown = await request(hub.url)
        .post(`${api}/branch/from-nowhere`)
        .set(bearer(alice.token))
        .send({ startingPoint: 'does-not-exist' })
        .expect(404);
      expect(unknown.headers['x-error-code']).toBe('RevisionNotFound');
    });
  });

  describe('DELETE /branch/{branch}', () => {
    it('should delete a branch, refuse the default branch with 403 and missing branches with RevisionNotFound', async () => {
      const git = await openGit(hub, 'alice/refs');
      await request(hub.url)
        .post(`${api}/branch/${encodeURIComponent('to/delete')}`)
        .set(bearer(alice.token))
        .send({})
        .expect(200);
      await request(hub.url)
        .delete(`${api}/branch/${encodeURIComponent('to/delete')}`)
        .set(bearer(alice.token))
        .expect(200);
      expect(gitIn(git, ['for-each-ref', 'refs/heads/to'])).toBe('');
      const main = await request(hub.url).delete(`${api}/branch/main`).set(bearer(alice.token)).expect(403);
      expect(main.headers['x-error-message']).toBe('Cannot delete refs/heads/main');
      const missing = await request(hub.url).delete(`${api}/branch/never-was`).set(bearer(alice.token)).expect(404);
      expect(missing.headers['x-error-code']).toBe('RevisionNotFound');
      expect(missing.headers['x-error-message']).toContain('Invalid rev id');
      gitIn(git, ['update-ref', 'refs/tags/only-a-tag', 'main']);
      const tag = await request(hub.url).delete(`${api}/branch/only-a-tag`).set(bearer(alice.token)).expect(404);
      expect(tag.headers['x-error-code']).toBe('RevisionNotFound');
      expect(revParse(git, 'refs/tags/only-a-tag')).toBe(revParse(git, 'main'));
    });
  });

  describe('tags', () => {
    it('should create lightweight and annotated tags on any revision, 409 on an existing one', async () => {
      const git = await openGit(hub, 'alice/refs');
      await request(hub.url).post(`${api}/tag/main`).set(bearer(alice.token)).send({ tag: 'v1' }).expect(200);
      expect(gitIn(git, ['cat-file', '-t', 'refs/tags/v1']).trim()).toBe('commit');
      expect(revParse(git, 'refs/tags/v1')).toBe(revParse(git, 'main'));
      const older = revParse(git, 'main~1');
      await request(hub.url)
        .post(`${api}/tag/${older}`)
        .set(bearer(alice.token))
        .send({ tag: 'v0', message: 'First release\n\nNotes.' })
        .expect(200);
      expect(gitIn(git, ['cat-file', '-t', 'refs/tags/v0']).trim()).toBe('tag');
      expect(revParse(git, 'refs/tags/v0^{commit}')).toBe(older);
      expect(gitIn(git, ['cat-file', '-p', 'refs/tags/v0'])).toMatch(
        /^object [0-9a-f]{40}\ntype commit\ntag v0\ntagger alice <alice@users\.noreply\.kohakuhub> \d+ \+0000\n\nFirst release\n\nNotes\.\n$/,
      );
      await request(hub.url).post(`${api}/tag/v1`).set(bearer(alice.token)).send({ tag: 'v1-again' }).expect(200);
      const again = await request(hub.url)
        .post(`${api}/tag/main`)
        .set(bearer(alice.token))
        .send({ tag: 'v1' })
        .expect(409);
      expect(again.headers['x-error-message']).toBe('Reference refs/tags/v1 already exists');
      expect((await git.fsck()).ok).toBe(true);
    });

    it('should refuse invalid tag names and unknown revisions', async () => {
      const invalid = await request(hub.url)
        .post(`${api}/tag/main`)
        .set(bearer(alice.token))
        .send({ tag: 'with space' });
      expect(invalid.status).toBe(400);
      const unknown = await request(hub.url).post(`${api}/tag/nope`).set(bearer(alice.token)).send({ tag: 'v9' });
      expect([unknown.status, unknown.headers['x-error-code']]).toEqual([404, 'RevisionNotFound']);
    });

    it('should delete tags and answer RevisionNotFound for missing ones', async () => {
      const git = await openGit(hub, 'alice/refs');
      await request(hub.url)
        .post(`${api}/tag/main`)
        .set(bearer(alice.token))
        .send({ tag: 'release/1', message: 'annotated' })
        .expect(200);
      await request(hub.url)
        .delete(`${api}/tag/${encodeURIComponent('release/1')}`)
        .set(bearer(alice.token))
        .expect(200);
      expect(gitIn(git, ['for-each-ref', 'refs/tags/release'])).toBe('');
      const missing = await request(hub.url).delete(`${api}/tag/release/1`).set(bearer(alice.token)).expect(404);
      expect(missing.headers['x-error-code']).toBe('RevisionNotFound');
    });
  });

  describe('POST /super-squash/{branch}', () => {
    it('should replace the history with one commit holding the same tree, and record it', async () => {
      await createRepo(hub, alice.token, 'squash');
      const git = await openGit(hub, 'alice/squash');
      for (let index = 0; index < 3; index++) {
        await postCommit(
          hub,
          alice.token,
          'alice/squash',
          'main',
          ndjson([header(`c${index}`), fileLine(`f${index}.txt`, `${index}`)]),
        ).expect(200);
      }
      const tree = revParse(git, 'main^{tree}');
      const response = await request(hub.url)
        .post('/api/models/alice/squash/super-squash/main')
        .set(bearer(alice.token))
        .send({ message: 'Squashed' })
        .expect(200);
      expect(response.body).toEqual({
        commitOid: revParse(git, 'main'),
        commitUrl: `${hub.url}/alice/squash/commit/${revParse(git, 'main')}`,
      });
      expect(gitIn(git, ['rev-list', '--count', 'main']).trim()).toBe('1');
      expect(revParse(git, 'main^{tree}')).toBe(tree);
      expect(gitIn(git, ['log', '-1', '--format=%s|%an', 'main']).trim()).toBe('Squashed|alice');
      const record = await hub.app
        .get(DataSource)
        .getRepository(CommitRecordEntity)
        .findOneBy({ commitSha: response.body.commitOid });
      expect(record).toMatchObject({ ref: 'refs/heads/main', username: 'alice', summary: 'Squashed' });
      const missing = await request(hub.url)
        .post('/api/models/alice/squash/super-squash/nope')
        .set(bearer(alice.token))
        .send({});
      expect([missing.status, missing.headers['x-error-code']]).toEqual([404, 'RevisionNotFound']);
    });
  });

  describe('access', () => {
    it('should answer 401 anonymously, 403 to non-writers of a public repo and RepoNotFound on private repos', async () => {
      await createRepo(hub, alice.token, 'secret', { isPrivate: true });
      const routes: [string, string][] = [
        ['post', 'branch/x'],
        ['delete', 'branch/dev'],
        ['post', 'tag/main'],
        ['delete', 'tag/v1'],
        ['post', 'super-squash/main'],
      ];
      for (const [method, tail] of routes) {
        const call = (path: string, token?: string): request.Test => {
          const test = (request(hub.url) as unknown as Record<string, (url: string) => request.Test>)[method](path);
          return (token ? test.set(bearer(token)) : test).send({ tag: 'tagged' });
        };
        const anonymous = await call(`${api}/${tail}`);
        const other = await call(`${api}/${tail}`, bob.token);
        const hidden = await call(`/api/models/alice/secret/${tail}`, bob.token);
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
