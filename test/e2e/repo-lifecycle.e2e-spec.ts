import request from 'supertest';
import { GitRepoStore } from 'src/git/git-repo-store';
import { RepoService } from 'src/repo/repo.service';
import { ACCOUNT_TEST_ENV, apiToken, bearer, createOrg, newAccount, TestAccount } from 'test/utils/accounts';
import { createTestHub, TestHub } from 'test/utils/test-hub';

describe('repository lifecycle over HTTP', () => {
  let hub: TestHub;
  let alice: TestAccount;
  let bob: TestAccount;

  beforeAll(async () => {
    hub = await createTestHub({ env: ACCOUNT_TEST_ENV });
    alice = await newAccount(hub, 'alice');
    bob = await newAccount(hub, 'bob');
  });

  afterAll(async () => {
    await hub.close();
  });

  async function headOf(type: 'model' | 'dataset' | 'space', namespace: string, name: string) {
    const repo = await hub.app.get(RepoService).findRepo(type, namespace, name);
    const git = hub.app.get(GitRepoStore).open(repo.storageId);
    return { git, sha: await git.resolveCommit('refs/heads/main') };
  }

  it('should create a model in the caller namespace with an initial .gitattributes commit', async () => {
    const response = await request(hub.url)
      .post('/api/repos/create')
      .set(bearer(alice.token))
      .send({ name: 'first', organization: null })
      .expect(200);
    expect(response.body).toEqual({ url: `${hub.url}/alice/first`, id: 'alice/first', name: 'alice/first' });
    const { git, sha } = await headOf('model', 'alice', 'first');
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    const [commit] = await git.log(sha as string, { limit: 5 });
    expect(commit.subject).toBe('initial commit');
    expect(commit.authorName).toBe('alice');
    const entry = await git.statPath(sha as string, '.gitattributes');
    const blob = await git.readBlob(entry?.sha as string);
    const chunks: Buffer[] = [];
    for await (const chunk of blob?.body ?? []) {
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text).toContain('*.safetensors filter=lfs diff=lfs merge=lfs -text');
    expect(text).toContain('*.gguf filter=lfs diff=lfs merge=lfs -text');
  });

  it('should answer 409 with the url on a second create, also for a name differing in case and dashes', async () => {
    await request(hub.url).post('/api/repos/create').set(bearer(alice.token)).send({ name: 'dup-name' }).expect(200);
    const again = await request(hub.url).post('/api/repos/create').set(bearer(alice.token)).send({ name: 'Dup_Name' });
    expect(again.status).toBe(409);
    expect(again.headers['x-error-code']).toBe('RepoExists');
    expect(again.body.url).toBe(`${hub.url}/alice/dup-name`);
  });

  it('should create datasets and spaces (spaces need an sdk) with their URL prefixes', async () => {
    const dataset = await request(hub.url)
      .post('/api/repos/create')
      .set(bearer(alice.token))
      .send({ name: 'alice/data', type: 'dataset', visibility: 'private' })
      .expect(200);
    expect(dataset.body.url).toBe(`${hub.url}/datasets/alice/data`);
    expect((await hub.app.get(RepoService).findRepo('dataset', 'alice', 'data')).isPrivate).toBe(true);
    const noSdk = await request(hub.url)
      .post('/api/repos/create')
      .set(bearer(alice.token))
      .send({ name: 's', type: 'space' });
    expect(noSdk.status).toBe(400);
    const space = await request(hub.url)
      .post('/api/repos/create')
      .set(bearer(alice.token))
      .send({ name: 'app', type: 'space', sdk: 'gradio' })
      .expect(200);
    expect(space.body.url).toBe(`${hub.url}/spaces/alice/app`);
  });

  it('should refuse invalid names, foreign namespaces and read-only tokens', async () => {
    for (const name of ['bad..name', '-dash', 'x.git', 'a/b/c', '']) {
      const response = await request(hub.url).post('/api/repos/create').set(bearer(alice.token)).send({ name });
      expect(response.status).toBe(400);
      expect(response.headers['x-error-code']).toBe('BadRequest');
    }
    const foreign = await request(hub.url)
      .post('/api/repos/create')
      .set(bearer(bob.token))
      .send({ name: 'alice/intrude' });
    expect(foreign.status).toBe(403);
    const readToken = await apiToken(hub, alice, 'read');
    const readOnly = await request(hub.url).post('/api/repos/create').set(bearer(readToken)).send({ name: 'nope' });
    expect(readOnly.status).toBe(403);
    const anonymous = await request(hub.url).post('/api/repos/create').send({ name: 'anon' });
    expect(anonymous.status).toBe(401);
  });

  it('should let organisation writers create in the organisation and refuse outsiders', async () => {
    await createOrg(hub, alice, 'acme-lab');
    await request(hub.url)
      .post('/api/repos/create')
      .set(bearer(alice.token))
      .send({ name: 'acme-lab/model' })
      .expect(200);
    const outsider = await request(hub.url)
      .post('/api/repos/create')
      .set(bearer(bob.token))
      .send({ name: 'model', organization: 'acme-lab' });
    expect(outsider.status).toBe(403);
  });

  it('should update settings (private, gated, LFS) and show the LFS settings', async () => {
    await request(hub.url).post('/api/repos/create').set(bearer(alice.token)).send({ name: 'settings' }).expect(200);
    await request(hub.url)
      .put('/api/models/alice/settings/settings')
      .set(bearer(alice.token))
      .send({ private: true, gated: 'manual', lfs_threshold_bytes: 5_000_000, lfs_suffix_rules: ['.dat'] })
      .expect(200);
    const repo = await hub.app.get(RepoService).findRepo('model', 'alice', 'settings');
    expect(repo).toMatchObject({
      isPrivate: true,
      gated: 'manual',
      lfsThresholdBytes: 5_000_000,
      lfsSuffixRules: ['.dat'],
    });
    const lfs = await request(hub.url)
      .get('/api/models/alice/settings/lfs/settings')
      .set(bearer(alice.token))
      .expect(200);
    expect(lfs.body).toMatchObject({
      lfs_threshold_bytes_effective: 5_000_000,
      lfs_threshold_bytes_source: 'repository',
      server_defaults: { lfs_threshold_bytes: 10_000_000 },
    });
    expect(lfs.body.lfs_suffix_rules_effective).toEqual(expect.arrayContaining(['.dat', '.safetensors']));
    await request(hub.url)
      .put('/api/models/alice/settings/settings')
      .set(bearer(alice.token))
      .send({ visibility: 'public', gated: false })
      .expect(200);
    expect(await hub.app.get(RepoService).findRepo('model', 'alice', 'settings')).toMatchObject({
      isPrivate: false,
      gated: null,
    });
    const invalid = await request(hub.url)
      .put('/api/models/alice/settings/settings')
      .set(bearer(alice.token))
      .send({ gated: 'sometimes' });
    expect(invalid.status).toBe(400);
  });

  it('should hide a private repository from outsiders exactly like a missing one', async () => {
    await request(hub.url)
      .post('/api/repos/create')
      .set(bearer(alice.token))
      .send({ name: 'secret', private: true })
      .expect(200);
    const hidden = await request(hub.url).get('/api/models/alice/secret/lfs/settings').set(bearer(bob.token));
    const missing = await request(hub.url).get('/api/models/alice/missing-repo/lfs/settings').set(bearer(bob.token));
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(hidden.headers['x-error-code']).toBe('RepoNotFound');
    expect(hidden.body.error.replace('secret', 'X')).toBe(missing.body.error.replace('missing-repo', 'X'));
    const settings = await request(hub.url)
      .put('/api/models/alice/secret/settings')
      .set(bearer(bob.token))
      .send({ private: false });
    expect(settings.status).toBe(404);
    // Anonymous callers get 401 RepoNotFound (signing in may help), for private and missing alike.
    const anonymous = await request(hub.url).get('/api/models/alice/secret/lfs/settings');
    const anonymousMissing = await request(hub.url).get('/api/models/alice/missing-repo/lfs/settings');
    expect(anonymous.status).toBe(401);
    expect(anonymousMissing.status).toBe(401);
    expect(anonymous.headers['x-error-code']).toBe('RepoNotFound');
    expect(anonymousMissing.headers['x-error-code']).toBe('RepoNotFound');
    expect(anonymous.body.error.replace('secret', 'X')).toBe(anonymousMissing.body.error.replace('missing-repo', 'X'));
  });

  it('should answer repo info with RepoNotFound: 401 to anonymous callers, 404 to signed-in outsiders, missing and private alike', async () => {
    await request(hub.url)
      .post('/api/repos/create')
      .set(bearer(alice.token))
      .send({ name: 'hidden-info', private: true })
      .expect(200);
    await request(hub.url).get('/api/models/alice/hidden-info').set(bearer(alice.token)).expect(200);
    /** What a caller can observe of an error, with the repository id masked. */
    const observed = (response: request.Response, repoId: string) => ({
      status: response.status,
      code: response.headers['x-error-code'],
      message: response.headers['x-error-message'].replace(repoId, '<id>'),
      contentType: response.headers['content-type'],
      wwwAuthenticate: response.headers['www-authenticate'],
      headerNames: Object.keys(response.headers).sort(),
      body: { ...response.body, error: (response.body.error as string).replace(repoId, '<id>') },
    });
    const answers = async (repoId: string, token?: string) => {
      const call = request(hub.url).get(`/api/models/${repoId}`);
      return observed(await (token === undefined ? call : call.set(bearer(token))), repoId);
    };
    const expectedBody = { error: 'Repository not found: <id>' };
    for (const [token, status] of [
      [undefined, 401],
      [bob.token, 404],
    ] as const) {
      const hidden = await answers('alice/hidden-info', token);
      expect(hidden).toEqual({
        status,
        code: 'RepoNotFound',
        message: 'Repository not found: <id>',
        contentType: expect.stringMatching(/^application\/json/),
        wwwAuthenticate: undefined,
        headerNames: expect.arrayContaining(['x-error-code', 'x-error-message']),
        body: expectedBody,
      });
      expect(await answers('alice/never-created', token)).toEqual(hidden);
      expect(await answers('nobody-here/never-created', token)).toEqual(hidden);
    }
  });

  it('should move a repository, keep its history and redirect the old name', async () => {
    await request(hub.url).post('/api/repos/create').set(bearer(alice.token)).send({ name: 'old-name' }).expect(200);
    const before = await headOf('model', 'alice', 'old-name');
    const moved = await request(hub.url)
      .post('/api/repos/move')
      .set(bearer(alice.token))
      .send({ fromRepo: 'alice/old-name', toRepo: 'acme-lab/new-name', type: 'model' })
      .expect(200);
    expect(moved.body.url).toBe(`${hub.url}/acme-lab/new-name`);
    expect((await headOf('model', 'acme-lab', 'new-name')).sha).toBe(before.sha);
    const redirect = await request(hub.url).get('/api/models/alice/old-name/lfs/settings?x=1').set(bearer(alice.token));
    expect(redirect.status).toBe(307);
    expect(redirect.headers.location).toBe('/api/models/acme-lab/new-name/lfs/settings?x=1');
    const onto = await request(hub.url)
      .post('/api/repos/move')
      .set(bearer(alice.token))
      .send({ fromRepo: 'alice/first', toRepo: 'acme-lab/new-name', type: 'model' });
    expect(onto.status).toBe(409);
    expect(onto.body.error).toContain('already exists');
  });

  it('should delete a repository with its git folder; deleting again is RepoNotFound', async () => {
    await request(hub.url).post('/api/repos/create').set(bearer(alice.token)).send({ name: 'doomed' }).expect(200);
    const repo = await hub.app.get(RepoService).findRepo('model', 'alice', 'doomed');
    const byOther = await request(hub.url)
      .delete('/api/repos/delete')
      .set(bearer(bob.token))
      .send({ name: 'doomed', organization: 'alice' });
    expect(byOther.status).toBe(403);
    await request(hub.url)
      .delete('/api/repos/delete')
      .set(bearer(alice.token))
      .send({ name: 'doomed', organization: 'alice', type: 'model' })
      .expect(200);
    expect(await hub.app.get(GitRepoStore).exists(repo.storageId)).toBe(false);
    const again = await request(hub.url)
      .delete('/api/repos/delete')
      .set(bearer(alice.token))
      .send({ name: 'doomed', organization: 'alice' });
    expect(again.status).toBe(404);
    expect(again.headers['x-error-code']).toBe('RepoNotFound');
  });

  it('should report repository name conflicts through the name check endpoint', async () => {
    await request(hub.url).post('/api/repos/create').set(bearer(alice.token)).send({ name: 'My-New-Repo' }).expect(200);
    const taken = await request(hub.url)
      .post('/api/validate/check-name')
      .send({ name: 'my_new_repo', namespace: 'alice', type: 'model' })
      .expect(200);
    expect(taken.body).toMatchObject({
      available: false,
      normalized_name: 'my_new_repo',
      conflict_with: 'alice/My-New-Repo',
    });
    const free = await request(hub.url)
      .post('/api/validate/check-name')
      .send({ name: 'my_new_repo', namespace: 'alice', type: 'dataset' })
      .expect(200);
    expect(free.body).toMatchObject({ available: true });
  });
});
