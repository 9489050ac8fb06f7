import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { QuotaExceededError } from 'src/common/errors/hub-error';
import { CommitRecordRepository } from 'src/commit/commit-record.repository';
import { GitRepository } from 'src/git/git-repository';
import { PushQuotaPolicy } from 'src/git-http/push-quota-policy';
import { LfsService } from 'src/lfs/lfs.service';
import { RepoService } from 'src/repo/repo.service';
import { RepoCardIndexer } from 'src/repo-info/repo-card-indexer';
import {
  commitLines,
  createRepo,
  fileLine,
  gitIn,
  header,
  newWriter,
  openGit,
  revParse,
  sha256Hex,
  Writer,
} from 'test/e2e/commit-helpers';
import { GitClient, urlWithCredentials } from 'test/e2e/git-client-helpers';
import { ACCOUNT_TEST_ENV, apiToken, bearer } from 'test/utils/accounts';
import { createTestHub, TestHub } from 'test/utils/test-hub';

const KIB = 1024;
const LFS_THRESHOLD = 256 * KIB;
const MAX_PUSH = 2 * 1024 * KIB;

function objectExists(git: GitRepository, sha: string): boolean {
  return spawnSync('git', [`--git-dir=${git.gitDir}`, 'cat-file', '-e', sha]).status === 0;
}

function refExists(git: GitRepository, ref: string): boolean {
  return gitIn(git, ['for-each-ref', '--format=%(refname)', ref]).trim() === ref;
}

/** `git fsck` clean, and no quarantine folder left behind by a refused push. */
function expectCleanRepository(git: GitRepository): void {
  expect(() => gitIn(git, ['fsck', '--no-progress', '--no-dangling'])).not.toThrow();
  const leftovers = readdirSync(join(git.gitDir, 'objects')).filter((name) => name.startsWith('tmp_objdir'));
  expect(leftovers).toEqual([]);
}

function pkt(text: string): Buffer {
  return Buffer.from(`${(Buffer.byteLength(text) + 4).toString(16).padStart(4, '0')}${text}`);
}

/**
 * Pushes with the real git and git-lfs clients: LFS objects uploaded by the pre-push hook through
 * the batch API, branches, tags and deletions, every refusal of the push policy with the message
 * git shows, races with other pushes and API commits, and what a push leaves in the database.
 */
describe('git push over HTTP', () => {
  let hub: TestHub;
  let alice: Writer;
  let bob: Writer;

  beforeAll(async () => {
    hub = await createTestHub({
      env: {
        ...ACCOUNT_TEST_ENV,
        KOHAKU_HUB_LFS_THRESHOLD_BYTES: String(LFS_THRESHOLD),
        KOHAKU_HUB_GIT_MAX_PUSH_BYTES: String(MAX_PUSH),
      },
    });
    alice = await newWriter(hub, 'alice');
    bob = await newWriter(hub, 'bob');
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  afterAll(async () => {
    await hub?.close();
  });

  /** A clone of `alice/<name>` (created) by a git client using `token`. */
  async function cloneNew(
    name: string,
    token = alice.token,
    options: { type?: 'model' | 'dataset' | 'space' } = {},
  ): Promise<{ client: GitClient; cwd: string; git: GitRepository }> {
    await createRepo(hub, alice.token, `alice/${name}`, { type: options.type });
    const client = await GitClient.create();
    clients.push(client);
    const prefix = options.type === 'dataset' ? '/datasets' : options.type === 'space' ? '/spaces' : '';
    await client.git(['clone', urlWithCredentials(hub.url, `${prefix}/alice/${name}`, token), name]);
    return { client, cwd: client.path(name), git: await openGit(hub, `alice/${name}`, options.type) };
  }

  const clients: GitClient[] = [];
  afterAll(() => clients.forEach((client) => client.cleanup()));

  async function commitFile(client: GitClient, cwd: string, path: string, content: Buffer | string): Promise<string> {
    writeFileSync(join(cwd, path), content);
    await client.git(['add', '--', path], { cwd });
    await client.git(['commit', '-q', '-m', `Add ${path}`], { cwd });
    return (await client.git(['rev-parse', 'HEAD'], { cwd })).trim();
  }

  it('should push commits with an LFS file: git-lfs uploads it through the batch API, then the pack lands', async () => {
    const { client, cwd, git } = await cloneNew('lfs-push');
    await client.git(['lfs', 'track', '*.bin'], { cwd });
    await client.git(['add', '.gitattributes'], { cwd });
    const weights = randomBytes(600 * KIB);
    writeFileSync(join(cwd, 'weights.bin'), weights);
    writeFileSync(join(cwd, 'config.json'), '{"layers": 2}\n');
    await client.git(['add', '.'], { cwd });
    await client.git(['commit', '-q', '-m', 'Add weights', '-m', 'Trained for a while.'], { cwd });
    const first = (await client.git(['rev-parse', 'HEAD'], { cwd })).trim();
    const second = await commitFile(client, cwd, 'notes.txt', 'notes\n');

    const refresh = jest.spyOn(hub.app.get(RepoCardIndexer), 'refresh');

    const push = await client.tryGit(['push', 'origin', 'main'], { cwd });

    expect(push.stderr).toMatch(/main -> main/);
    expect(push.exitCode).toBe(0);
    expect(refresh).toHaveBeenCalledWith(expect.objectContaining({ fullId: 'alice/lfs-push' }), second);
    expect(revParse(git, 'main')).toBe(second);
    const oid = sha256Hex(weights);
    await expect(hub.app.get(LfsService).findVerified(oid)).resolves.toEqual({ oid, size: weights.length });
    expectCleanRepository(git);

    // Both commits are recorded like API commits: the pushing account, the message, the LFS reference.
    const repo = await hub.app.get(RepoService).findRepo('model', 'alice', 'lfs-push');
    const records = hub.app.get(CommitRecordRepository);
    const firstRecord = await records.findByCommit(repo.id, first);
    expect(firstRecord).toMatchObject({
      ref: 'refs/heads/main',
      username: 'alice',
      summary: 'Add weights',
      description: 'Trained for a while.',
    });
    expect(await records.findByCommit(repo.id, second)).toMatchObject({ summary: 'Add notes.txt' });
    expect(
      (await records.findLfsRefs(repo.id, first)).map(({ path, oid: refOid, size }) => ({ path, oid: refOid, size })),
    ).toEqual([{ path: 'weights.bin', oid, size: weights.length }]);

    // History and downloads see the pushed commit under the same sha.
    const commits = await request(hub.url).get('/api/models/alice/lfs-push/commits/main').expect(200);
    expect(commits.body[0]).toMatchObject({ id: second, title: 'Add notes.txt', authors: [{ user: 'alice' }] });
    const resolved = await request(hub.url)
      .head('/alice/lfs-push/resolve/main/weights.bin')
      .expect((response) => {
        expect([200, 302, 307]).toContain(response.status);
      });
    expect(resolved.headers['x-repo-commit']).toBe(second);
    expect(resolved.headers['x-linked-etag']).toBe(`"${oid}"`);
  });

  it('should push a new branch, lightweight and annotated tags, a pull request ref, and delete a branch', async () => {
    const { client, cwd, git } = await cloneNew('refs', alice.token, { type: 'dataset' });
    await client.git(['checkout', '-q', '-b', 'feature'], { cwd });
    const feature = await commitFile(client, cwd, 'feature.txt', 'feature\n');
    await client.git(['push', 'origin', 'feature'], { cwd });
    expect(revParse(git, 'refs/heads/feature')).toBe(feature);

    await client.git(['tag', 'v1', feature], { cwd });
    await client.git(['tag', '-a', 'v2', '-m', 'Release 2', feature], { cwd });
    await client.git(['push', 'origin', 'v1', 'v2'], { cwd });
    expect(revParse(git, 'refs/tags/v1')).toBe(feature);
    expect(revParse(git, 'refs/tags/v2^{commit}')).toBe(feature);
    expect(gitIn(git, ['cat-file', '-t', 'refs/tags/v2']).trim()).toBe('tag');

    await client.git(['push', 'origin', 'HEAD:refs/pr/1'], { cwd });
    expect(revParse(git, 'refs/pr/1')).toBe(feature);

    await client.git(['push', 'origin', '--delete', 'feature'], { cwd });
    expect(refExists(git, 'refs/heads/feature')).toBe(false);
    expectCleanRepository(git);

    const repo = await hub.app.get(RepoService).findRepo('dataset', 'alice', 'refs');
    expect(await hub.app.get(CommitRecordRepository).findByCommit(repo.id, feature)).toMatchObject({
      ref: 'refs/heads/feature',
    });
  });

  it('should refuse a pointer to an LFS object the hub does not store, naming the oid', async () => {
    const { client, cwd, git } = await cloneNew('missing-lfs');
    const before = revParse(git, 'main');
    await client.git(['lfs', 'track', '*.bin'], { cwd });
    const content = randomBytes(1000);
    await commitFile(client, cwd, 'orphan.bin', content);

    // GIT_LFS_SKIP_PUSH keeps git-lfs's pre-push hook from uploading, as a client without git-lfs would.
    const push = await client.tryGit(['push', 'origin', 'main'], { cwd, env: { GIT_LFS_SKIP_PUSH: '1' } });

    expect(push.exitCode).not.toBe(0);
    expect(push.stderr).toContain(`remote: error:   ${sha256Hex(content)} (orphan.bin, not uploaded)`);
    expect(push.stderr).toMatch(/git lfs push --all origin/);
    expect(push.stderr).toMatch(/\[remote rejected\] main -> main \(pre-receive hook declined\)/);
    expect(revParse(git, 'main')).toBe(before);
    expectCleanRepository(git);
  });

  it('should refuse a regular file above the LFS threshold and tell the user to track it with git-lfs', async () => {
    const { client, cwd, git } = await cloneNew('big-file');
    const before = revParse(git, 'main');
    const big = await commitFile(client, cwd, 'dataset.csv', randomBytes(LFS_THRESHOLD + 1));

    const push = await client.tryGit(['push', 'origin', 'main'], { cwd });

    expect(push.exitCode).not.toBe(0);
    expect(push.stderr).toMatch(/remote: error: 1 file\(s\) are larger than 256 KiB/);
    expect(push.stderr).toMatch(/remote: error: {3}dataset\.csv \(256 KiB\)/);
    expect(push.stderr).toMatch(/git lfs track/);
    expect(revParse(git, 'main')).toBe(before);
    expect(objectExists(git, big)).toBe(false);
    expectCleanRepository(git);
  });

  it('should refuse to delete the default branch, and refs outside branches, tags and refs/pr', async () => {
    const { client, cwd, git } = await cloneNew('protected');
    const main = revParse(git, 'main');

    const deletion = await client.tryGit(['push', 'origin', '--delete', 'main'], { cwd });
    expect(deletion.exitCode).not.toBe(0);
    expect(deletion.stderr).toMatch(/remote: error: refs\/heads\/main: the default branch cannot be deleted/);
    expect(revParse(git, 'main')).toBe(main);

    const notes = await client.tryGit(['push', 'origin', 'HEAD:refs/notes/commits'], { cwd });
    expect(notes.exitCode).not.toBe(0);
    expect(notes.stderr).toMatch(/refs\/notes\/commits: only branches/);
    expect(gitIn(git, ['for-each-ref', 'refs/notes']).trim()).toBe('');
  });

  it('should ask anonymous pushers for credentials and refuse pushers without write access', async () => {
    await createRepo(hub, alice.token, 'alice/guarded');
    const bobClient = await GitClient.create('bob');
    clients.push(bobClient);
    await bobClient.git(['clone', urlWithCredentials(hub.url, '/alice/guarded', bob.token), 'guarded']);
    const cwd = bobClient.path('guarded');
    await commitFile(bobClient, cwd, 'bob.txt', 'bob was here\n');
    const git = await openGit(hub, 'alice/guarded');
    const main = revParse(git, 'main');

    const byReader = await bobClient.tryGit(['push', 'origin', 'main'], { cwd });
    expect(byReader.exitCode).not.toBe(0);
    expect(byReader.stderr).toMatch(/remote: You do not have write access to alice\/guarded/);
    expect(byReader.stderr).toMatch(/403/);

    const readToken = await apiToken(hub, alice.account, 'read');
    await bobClient.git(['remote', 'set-url', 'origin', urlWithCredentials(hub.url, '/alice/guarded', readToken)], {
      cwd,
    });
    const byReadToken = await bobClient.tryGit(['push', 'origin', 'main'], { cwd });
    expect(byReadToken.exitCode).not.toBe(0);
    expect(byReadToken.stderr).toMatch(/403/);

    await bobClient.git(['remote', 'set-url', 'origin', `${hub.url}/alice/guarded`], { cwd });
    const anonymous = await bobClient.tryGit(['push', 'origin', 'main'], { cwd });
    expect(anonymous.exitCode).not.toBe(0);
    expect(anonymous.stderr).toMatch(/could not read Username|Authentication failed/);
    const challenge = await request(hub.url).get('/alice/guarded.git/info/refs?service=git-receive-pack').expect(401);
    expect(challenge.headers['www-authenticate']).toBe('Basic realm="Kohaku Hub"');
    const post = await request(hub.url).post('/alice/guarded.git/git-receive-pack').send('0000').expect(401);
    expect(post.headers['www-authenticate']).toBe('Basic realm="Kohaku Hub"');

    expect(revParse(git, 'main')).toBe(main);
  });

  it('should hand the pushed size to the quota policy and honour its refusal', async () => {
    const { client, cwd, git } = await cloneNew('quota');
    const policy = hub.app.get(PushQuotaPolicy);
    const calls = jest.spyOn(policy, 'assertPushAllowed');
    await client.git(['lfs', 'track', '*.bin'], { cwd });
    await client.git(['add', '.gitattributes'], { cwd });
    const weights = randomBytes(50 * KIB);
    const text = randomBytes(100 * KIB).toString('hex');
    writeFileSync(join(cwd, 'w.bin'), weights);
    writeFileSync(join(cwd, 'text.txt'), text);
    await client.git(['add', '.'], { cwd });
    await client.git(['commit', '-q', '-m', 'data'], { cwd });

    await client.git(['push', 'origin', 'main'], { cwd });

    expect(calls).toHaveBeenCalledTimes(1);
    const [call] = calls.mock.calls[0];
    expect(call.repo.fullId).toBe('alice/quota');
    expect(call.user.username).toBe('alice');
    expect(call.pushedBytes).toBeGreaterThan(0);
    expect(call.newBlobBytes).toBeGreaterThanOrEqual(text.length);
    expect(call.lfsObjects).toEqual([{ oid: sha256Hex(weights), size: weights.length }]);

    calls.mockRejectedValueOnce(new QuotaExceededError('Namespace alice is over its 1 GB storage quota'));
    const refused = await commitFile(client, cwd, 'more.txt', 'more\n');
    const push = await client.tryGit(['push', 'origin', 'main'], { cwd });
    expect(push.exitCode).not.toBe(0);
    expect(push.stderr).toMatch(/remote: error: Namespace alice is over its 1 GB storage quota/);
    expect(revParse(git, 'main')).not.toBe(refused);
    expectCleanRepository(git);
  });

  it('should refuse a push larger than KOHAKU_HUB_GIT_MAX_PUSH_BYTES with a message git shows', async () => {
    const { client, cwd, git } = await cloneNew('too-large');
    const before = revParse(git, 'main');
    // Many files under the LFS threshold that together exceed the push limit.
    for (let index = 0; index < 12; index++) {
      writeFileSync(join(cwd, `part-${index}.dat`), randomBytes(200 * KIB));
    }
    await client.git(['add', '.'], { cwd });
    await client.git(['commit', '-q', '-m', 'too much'], { cwd });

    const push = await client.tryGit(['push', 'origin', 'main'], { cwd });

    expect(push.exitCode).not.toBe(0);
    expect(push.stderr).toMatch(/remote: error: this push is larger than the server's limit of 2\.0 MiB per push/);
    expect(push.stderr).toMatch(/\[remote rejected\] main -> main \(push too large\)/);
    expect(revParse(git, 'main')).toBe(before);
    expectCleanRepository(git);
  });

  it('should answer a corrupt or truncated pack with an unpack error and change nothing', async () => {
    const { client, cwd, git } = await cloneNew('corrupt');
    const before = revParse(git, 'main');
    const next = await commitFile(client, cwd, 'file.txt', randomBytes(64 * KIB).toString('hex'));
    const pack = execFileSync('git', ['pack-objects', '--stdout', '--revs', '-q'], {
      cwd,
      input: `${next}\n^${before}\n`,
      env: client.env,
    });
    const commands = Buffer.concat([pkt(`${before} ${next} refs/heads/main\0report-status\n`), Buffer.from('0000')]);

    for (const body of [
      pack.subarray(0, Math.floor(pack.length / 2)),
      Buffer.concat([pack.subarray(0, 12), randomBytes(4096)]),
    ]) {
      const response = await request(hub.url)
        .post('/alice/corrupt/git-receive-pack')
        .set('Authorization', `Basic ${Buffer.from(`alice:${alice.token}`).toString('base64')}`)
        .set('Content-Type', 'application/x-git-receive-pack-request')
        .send(Buffer.concat([commands, body]))
        .buffer(true)
        .parse((res, callback) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => callback(null, Buffer.concat(chunks)));
        })
        .expect(200);
      const report = Buffer.from(response.body as Buffer).toString('latin1');
      expect(report).toMatch(/unpack (?!ok)/);
      expect(report).toMatch(/ng refs\/heads\/main/);
      expect(revParse(git, 'main')).toBe(before);
      expectCleanRepository(git);
    }
  });

  it('should refuse a malformed command list with a 400 and not start receive-pack', async () => {
    await createRepo(hub, alice.token, 'alice/malformed');
    const response = await request(hub.url)
      .post('/alice/malformed/git-receive-pack')
      .set(bearer(alice.token))
      .set('Content-Type', 'application/x-git-receive-pack-request')
      .send('0032this is not a command line at all!!!!!!!!!!\n0000')
      .expect(400);
    expect(response.headers['x-error-code']).toBe('BadRequest');
    expect(response.text).toMatch(/Malformed git-receive-pack request/);
  });

  it('should let exactly one of two racing pushes to a branch land', async () => {
    const { client: first, cwd: firstCwd, git } = await cloneNew('race');
    const second = await GitClient.create('second');
    clients.push(second);
    await second.git(['clone', urlWithCredentials(hub.url, '/alice/race', alice.token), 'race']);
    const secondCwd = second.path('race');
    const firstSha = await commitFile(first, firstCwd, 'one.txt', 'one\n');
    const secondSha = await commitFile(second, secondCwd, 'two.txt', 'two\n');

    const results = await Promise.all([
      first.tryGit(['push', 'origin', 'main'], { cwd: firstCwd }),
      second.tryGit(['push', 'origin', 'main'], { cwd: secondCwd }),
    ]);

    const landed = results.map((result) => result.exitCode === 0);
    expect(landed.filter(Boolean)).toHaveLength(1);
    expect(revParse(git, 'main')).toBe(landed[0] ? firstSha : secondSha);
    expectCleanRepository(git);
  });

  it('should fail a push atomically when an API commit moves the branch while the push is checked', async () => {
    const { client, cwd, git } = await cloneNew('push-vs-api');
    await client.git(['checkout', '-q', '-b', 'side'], { cwd });
    const side = await commitFile(client, cwd, 'side.txt', 'side\n');
    await client.git(['checkout', '-q', 'main'], { cwd });
    const pushed = await commitFile(client, cwd, 'pushed.txt', 'pushed\n');
    let apiCommit = '';
    jest.spyOn(hub.app.get(PushQuotaPolicy), 'assertPushAllowed').mockImplementationOnce(async () => {
      const response = await commitLines(hub, alice.token, 'alice/push-vs-api', [
        header('API commit'),
        fileLine('api.txt', 'api\n'),
      ]).expect(200);
      apiCommit = response.body.commitOid as string;
    });

    // Two refs in one push: the branch the API commit raced fails, and takes the other with it.
    const push = await client.tryGit(['push', 'origin', 'main', 'side'], { cwd });

    expect(push.exitCode).not.toBe(0);
    expect(push.stderr).toMatch(/main -> main/);
    expect(revParse(git, 'main')).toBe(apiCommit);
    expect(refExists(git, 'refs/heads/side')).toBe(false);
    expect(pushed).not.toBe(apiCommit);
    expect(side).not.toBe(apiCommit);
    expectCleanRepository(git);

    await client.git(['pull', '-q', '--rebase', 'origin', 'main'], { cwd });
    await client.git(['push', 'origin', 'main', 'side'], { cwd });
    expect(gitIn(git, ['log', '--format=%s', 'main']).split('\n')).toEqual(
      expect.arrayContaining(['Add pushed.txt', 'API commit']),
    );
  });

  it('should let an API commit that races a push rebase onto the pushed commit', async () => {
    const { client, cwd, git } = await cloneNew('api-vs-push');
    const pushed = await commitFile(client, cwd, 'pushed.txt', 'pushed\n');
    const original = GitRepository.prototype.updateRef;
    let hasPushed = false;
    jest.spyOn(GitRepository.prototype, 'updateRef').mockImplementation(async function (
      this: GitRepository,
      ref: string,
      newSha: string,
      expected: string | null,
    ) {
      if (!hasPushed && this.gitDir === git.gitDir) {
        hasPushed = true;
        await client.git(['push', 'origin', 'main'], { cwd });
      }
      return original.call(this, ref, newSha, expected);
    });

    const response = await commitLines(hub, alice.token, 'alice/api-vs-push', [
      header('API commit'),
      fileLine('api.txt', 'api\n'),
    ]).expect(200);

    const apiCommit = response.body.commitOid as string;
    expect(revParse(git, 'main')).toBe(apiCommit);
    expect(revParse(git, 'main^')).toBe(pushed);
    expect(existsSync(join(git.gitDir, 'objects'))).toBe(true);
    expectCleanRepository(git);
  });
});
