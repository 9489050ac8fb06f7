import { randomBytes } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createRepo, newWriter, Writer } from 'test/e2e/commit-helpers';
import { GitClient } from 'test/e2e/git-client-helpers';
import { ACCOUNT_TEST_ENV, addMember, bearer, createOrg } from 'test/utils/accounts';
import { createTestHub, TestHub } from 'test/utils/test-hub';

const LFS_TYPE = 'application/vnd.git-lfs+json';

/**
 * The git-lfs locking API, driven by `git lfs lock / locks / unlock` and by plain requests: one
 * owner per path, unlocking others' locks only with --force as an administrator, lock verification
 * before a push, and the same access rules as the rest of the repository.
 */
describe('git-lfs file locks', () => {
  let hub: TestHub;
  let alice: Writer;
  let bob: Writer;
  let carol: Writer;
  const clients: GitClient[] = [];

  beforeAll(async () => {
    hub = await createTestHub({ env: ACCOUNT_TEST_ENV });
    alice = await newWriter(hub, 'alice');
    bob = await newWriter(hub, 'bob');
    carol = await newWriter(hub, 'carol');
    await createOrg(hub, alice.account, 'team');
    await addMember(hub, alice.account, 'team', 'bob', 'write');
    await createRepo(hub, alice.token, 'team/assets');
    await createRepo(hub, alice.token, 'team/api');
    await createRepo(hub, alice.token, 'team/data', { type: 'dataset' });
    await createRepo(hub, alice.token, 'team/private', { isPrivate: true });
  });

  afterAll(async () => {
    clients.forEach((client) => client.cleanup());
    await hub?.close();
  });

  /** A clone of `team/<repo>` by `writer`, whose credentials git and git-lfs get from a credential helper. */
  async function cloneAs(writer: Writer, repo: string): Promise<{ client: GitClient; cwd: string }> {
    const client = await GitClient.create(writer.account.username);
    clients.push(client);
    client.useCredentials(writer.account.username, writer.token);
    await client.git(['clone', `${hub.url}/team/${repo}`, repo]);
    return { client, cwd: client.path(repo) };
  }

  function locksPath(repo: string, tail = ''): string {
    return `/team/${repo}.git/info/lfs/locks${tail}`;
  }

  function lfsPost(path: string, token: string | undefined, body: object): request.Test {
    const call = request(hub.url).post(path).set('Accept', LFS_TYPE).set('Content-Type', LFS_TYPE);
    return (token === undefined ? call : call.set(bearer(token))).send(JSON.stringify(body));
  }

  it('should lock, list and unlock with git lfs, one owner per path, force for administrators', async () => {
    const { client: aliceGit, cwd: aliceCwd } = await cloneAs(alice, 'assets');
    await aliceGit.git(['lfs', 'track', '--lockable', '*.bin'], { cwd: aliceCwd });
    writeFileSync(join(aliceCwd, 'weights.bin'), randomBytes(2048));
    await aliceGit.git(['add', '.'], { cwd: aliceCwd });
    await aliceGit.git(['commit', '-q', '-m', 'Add weights'], { cwd: aliceCwd });
    await aliceGit.git(['push', 'origin', 'main'], { cwd: aliceCwd });
    const { client: bobGit, cwd: bobCwd } = await cloneAs(bob, 'assets');

    expect(await aliceGit.git(['lfs', 'lock', 'weights.bin'], { cwd: aliceCwd })).toMatch(/Locked weights\.bin/);
    const listed = await bobGit.git(['lfs', 'locks'], { cwd: bobCwd });
    expect(listed).toMatch(/weights\.bin\s+alice\s+ID:\d+/);

    const taken = await bobGit.tryGit(['lfs', 'lock', 'weights.bin'], { cwd: bobCwd });
    expect(taken.exitCode).not.toBe(0);
    expect(`${taken.stderr}${taken.stdout}`).toMatch(/already locked by alice/);

    const notOwner = await bobGit.tryGit(['lfs', 'unlock', 'weights.bin'], { cwd: bobCwd });
    expect(notOwner.exitCode).not.toBe(0);
    const forcedByWriter = await bobGit.tryGit(['lfs', 'unlock', '--force', 'weights.bin'], { cwd: bobCwd });
    expect(forcedByWriter.exitCode).not.toBe(0);
    expect(`${forcedByWriter.stderr}${forcedByWriter.stdout}`).toMatch(/Only administrators of team\/assets/);
    expect(await bobGit.git(['lfs', 'locks'], { cwd: bobCwd })).toMatch(/weights\.bin/);

    expect(await aliceGit.git(['lfs', 'unlock', 'weights.bin'], { cwd: aliceCwd })).toMatch(/Unlocked weights\.bin/);
    expect((await aliceGit.git(['lfs', 'locks'], { cwd: aliceCwd })).trim()).toBe('');

    await bobGit.git(['lfs', 'lock', 'weights.bin'], { cwd: bobCwd });
    expect(await aliceGit.git(['lfs', 'unlock', '--force', 'weights.bin'], { cwd: aliceCwd })).toMatch(/Unlocked/);
    expect((await bobGit.git(['lfs', 'locks'], { cwd: bobCwd })).trim()).toBe('');
  });

  it("should make git-lfs refuse a push that changes a file under someone else's lock", async () => {
    const { client: aliceGit, cwd: aliceCwd } = await cloneAs(alice, 'assets');
    const { client: bobGit, cwd: bobCwd } = await cloneAs(bob, 'assets');
    await aliceGit.git(['lfs', 'lock', 'weights.bin'], { cwd: aliceCwd });
    try {
      await bobGit.git(['config', `lfs.${hub.url}/team/assets.git/info/lfs.locksverify`, 'true'], { cwd: bobCwd });
      // Lockable files are checked out read-only until locked; bob changes his copy anyway.
      chmodSync(join(bobCwd, 'weights.bin'), 0o644);
      writeFileSync(join(bobCwd, 'weights.bin'), randomBytes(4096));
      await bobGit.git(['commit', '-q', '-am', 'Retrain'], { cwd: bobCwd });

      const push = await bobGit.tryGit(['push', 'origin', 'main'], { cwd: bobCwd });

      expect(push.exitCode).not.toBe(0);
      expect(`${push.stderr}${push.stdout}`).toMatch(/Unable to push locked files/);
      expect(`${push.stderr}${push.stdout}`).toMatch(/weights\.bin - alice/);
    } finally {
      await aliceGit.git(['lfs', 'unlock', 'weights.bin'], { cwd: aliceCwd });
    }
  });

  it('should answer the locking API as git-lfs documents it', async () => {
    const created = await lfsPost(locksPath('api'), bob.token, {
      path: 'models/a.bin',
      ref: { name: 'refs/heads/main' },
    })
      .expect(201)
      .expect('Content-Type', /application\/vnd\.git-lfs\+json/);
    const lock = created.body.lock;
    expect(lock).toEqual({
      id: expect.stringMatching(/^\d+$/),
      path: 'models/a.bin',
      locked_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      owner: { name: 'bob' },
    });

    const conflict = await lfsPost(locksPath('api'), alice.token, { path: 'models/a.bin' }).expect(409);
    expect(conflict.body).toEqual({ lock, message: 'models/a.bin is already locked by bob' });
    const second = (await lfsPost(locksPath('api'), alice.token, { path: 'models/b.bin' }).expect(201)).body.lock;

    const firstPage = await request(hub.url)
      .get(`${locksPath('api')}?limit=1`)
      .expect(200);
    expect(firstPage.body).toEqual({ locks: [lock], next_cursor: second.id });
    const secondPage = await request(hub.url)
      .get(`${locksPath('api')}?limit=1&cursor=${second.id}`)
      .expect(200);
    expect(secondPage.body).toEqual({ locks: [second] });
    const byPath = await request(hub.url)
      .get(`${locksPath('api')}?path=models/b.bin`)
      .expect(200);
    expect(byPath.body.locks).toEqual([second]);
    const byId = await request(hub.url)
      .get(`${locksPath('api')}?id=${lock.id}`)
      .expect(200);
    expect(byId.body.locks).toEqual([lock]);
    const none = await request(hub.url)
      .get(`${locksPath('api')}?path=nothing`)
      .expect(200);
    expect(none.body).toEqual({ locks: [] });

    const verifiedByBob = await lfsPost(locksPath('api', '/verify'), bob.token, {
      ref: { name: 'refs/heads/main' },
    }).expect(200);
    expect(verifiedByBob.body).toEqual({ ours: [lock], theirs: [second] });
    const verifiedByAlice = await lfsPost(locksPath('api', '/verify'), alice.token, {}).expect(200);
    expect(verifiedByAlice.body).toEqual({ ours: [second], theirs: [lock] });

    await lfsPost(locksPath('api', '/999999/unlock'), bob.token, {}).expect(404);
    const refused = await lfsPost(locksPath('api', `/${second.id}/unlock`), bob.token, {}).expect(403);
    expect(refused.body.message).toMatch(/locked by alice/);
    const unlocked = await lfsPost(locksPath('api', `/${lock.id}/unlock`), bob.token, {}).expect(200);
    expect(unlocked.body).toEqual({ lock });
    await lfsPost(locksPath('api', `/${second.id}/unlock`), alice.token, { force: false }).expect(200);
  });

  it('should apply the repository access rules and validate paths', async () => {
    const anonymous = await lfsPost(locksPath('api'), undefined, { path: 'x.bin' }).expect(401);
    expect(anonymous.headers['lfs-authenticate']).toBe('Basic realm="Kohaku Hub"');
    const reader = await lfsPost(locksPath('api'), carol.token, { path: 'x.bin' }).expect(403);
    expect(reader.body.message).toMatch(/write access/);
    await lfsPost(locksPath('api', '/verify'), carol.token, {}).expect(403);

    const privateAnonymous = await request(hub.url).get(locksPath('private')).expect(401);
    expect(privateAnonymous.headers['lfs-authenticate']).toBe('Basic realm="Kohaku Hub"');
    const privateOutsider = await request(hub.url).get(locksPath('private')).set(bearer(carol.token)).expect(404);
    expect(privateOutsider.headers['x-error-code']).toBe('RepoNotFound');
    await request(hub.url).get(locksPath('private')).set(bearer(bob.token)).expect(200);

    const traversal = await lfsPost(locksPath('api'), bob.token, { path: '../outside.bin' }).expect(422);
    expect(traversal.headers['x-error-code']).toBe('InvalidPath');
    await lfsPost(locksPath('api'), bob.token, {}).expect(400);
    await request(hub.url)
      .get(`${locksPath('api')}?limit=0`)
      .expect(400);
    await request(hub.url)
      .get(`${locksPath('api')}?cursor=abc`)
      .expect(400);

    const dataset = await lfsPost('/datasets/team/data.git/info/lfs/locks', bob.token, {
      path: 'train.parquet',
    }).expect(201);
    const datasetLocks = await request(hub.url).get('/datasets/team/data.git/info/lfs/locks').expect(200);
    expect(datasetLocks.body.locks).toEqual([dataset.body.lock]);
    expect((await request(hub.url).get(locksPath('assets')).expect(200)).body.locks).toEqual([]);
  });
});
