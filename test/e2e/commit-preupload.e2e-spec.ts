import request from 'supertest';
import { createTestHub, TestHub } from 'test/utils/test-hub';
import {
  ACCOUNT_TEST_ENV,
  bearer,
  createRepo,
  fileLine,
  gitIn,
  header,
  lfsFileLine,
  ndjson,
  newWriter,
  openGit,
  postCommit,
  uploadLfsObject,
  Writer,
} from 'test/e2e/commit-helpers';

function sample(content: string | Buffer): string {
  return (Buffer.isBuffer(content) ? content : Buffer.from(content)).subarray(0, 512).toString('base64');
}

describe('preupload (POST /api/{type}s/{id}/preupload/{rev})', () => {
  let hub: TestHub;
  let alice: Writer;
  let bob: Writer;

  beforeAll(async () => {
    hub = await createTestHub({ env: { ...ACCOUNT_TEST_ENV, KOHAKU_HUB_LFS_THRESHOLD_BYTES: '1000' } });
    alice = await newWriter(hub, 'alice');
    bob = await newWriter(hub, 'bob');
    await createRepo(hub, alice.token, 'pre');
  });

  afterAll(async () => {
    await hub.close();
  });

  function preupload(body: object, options: { repo?: string; revision?: string; token?: string } = {}): request.Test {
    return request(hub.url)
      .post(`/api/models/${options.repo ?? 'alice/pre'}/preupload/${encodeURIComponent(options.revision ?? 'main')}`)
      .set(bearer(options.token ?? alice.token))
      .send(body);
  }

  it('should choose the upload mode by size, .gitattributes, suffix rules and binary samples', async () => {
    const response = await preupload({
      files: [
        { path: 'small.txt', size: 10, sample: sample('plain text') },
        { path: 'big.txt', size: 1000, sample: sample('x'.repeat(512)) },
        { path: 'just-under.txt', size: 999, sample: sample('x'.repeat(512)) },
        { path: 'empty.bin', size: 0, sample: '' },
        { path: 'weights/model.safetensors', size: 10, sample: sample('{}') },
        { path: 'nested/saved_model/x/variables', size: 10, sample: sample('text') },
        { path: 'tiny.pt', size: 5, sample: sample('text!') },
        { path: 'nul.dat', size: 4, sample: sample(Buffer.from([0x61, 0, 0x62, 0x63])) },
        { path: 'latin1.txt', size: 3, sample: sample(Buffer.from([0x63, 0xe9, 0x74])) },
        { path: 'saved_model/v1/variables', size: 10, sample: sample('text') },
        {
          path: 'cut-utf8.md',
          size: 600,
          sample: sample(Buffer.concat([Buffer.from('a'.repeat(510)), Buffer.from('é').subarray(0, 1)])),
        },
      ],
    }).expect(200);
    expect(response.body.files).toEqual([
      { path: 'small.txt', uploadMode: 'regular', shouldIgnore: false },
      { path: 'big.txt', uploadMode: 'lfs', shouldIgnore: false },
      { path: 'just-under.txt', uploadMode: 'regular', shouldIgnore: false },
      { path: 'empty.bin', uploadMode: 'regular', shouldIgnore: false },
      { path: 'weights/model.safetensors', uploadMode: 'lfs', shouldIgnore: false },
      { path: 'nested/saved_model/x/variables', uploadMode: 'regular', shouldIgnore: false },
      { path: 'tiny.pt', uploadMode: 'lfs', shouldIgnore: false },
      { path: 'nul.dat', uploadMode: 'lfs', shouldIgnore: false },
      { path: 'latin1.txt', uploadMode: 'lfs', shouldIgnore: false },
      { path: 'saved_model/v1/variables', uploadMode: 'lfs', shouldIgnore: false },
      { path: 'cut-utf8.md', uploadMode: 'regular', shouldIgnore: false },
    ]);
  });

  it('should follow per-repository LFS settings', async () => {
    await createRepo(hub, alice.token, 'tuned');
    await request(hub.url)
      .put('/api/models/alice/tuned/settings')
      .set(bearer(alice.token))
      .send({ lfs_threshold_bytes: 100, lfs_suffix_rules: ['.dat'] })
      .expect(200);
    const response = await preupload(
      {
        files: [
          { path: 'a.txt', size: 150, sample: sample('text') },
          { path: 'b.txt', size: 50, sample: sample('text') },
          { path: 'C.DAT', size: 5, sample: sample('text') },
        ],
      },
      { repo: 'alice/tuned' },
    ).expect(200);
    expect(response.body.files.map((file: { uploadMode: string }) => file.uploadMode)).toEqual([
      'lfs',
      'regular',
      'lfs',
    ]);
  });

  it("should use the request's gitAttributes instead of the revision's file when sent", async () => {
    const response = await preupload({
      gitAttributes: '*.csv filter=lfs diff=lfs merge=lfs -text\n',
      files: [
        { path: 'data/table.csv', size: 10, sample: sample('a,b') },
        { path: 'x.safetensors', size: 10, sample: sample('{}') },
      ],
    }).expect(200);
    expect(response.body.files.map((file: { uploadMode: string }) => file.uploadMode)).toEqual(['lfs', 'lfs']);
  });

  it('should report shouldIgnore from gitIgnore, else from the revision .gitignore', async () => {
    const sent = await preupload({
      gitIgnore: '*.log\n!keep.log\nbuild/\n/root-only.txt\n',
      files: [
        { path: 'debug.log', size: 1, sample: sample('x') },
        { path: 'sub/keep.log', size: 1, sample: sample('x') },
        { path: 'build/out/a.js', size: 1, sample: sample('x') },
        { path: 'root-only.txt', size: 1, sample: sample('x') },
        { path: 'sub/root-only.txt', size: 1, sample: sample('x') },
      ],
    }).expect(200);
    expect(sent.body.files.map((file: { shouldIgnore: boolean }) => file.shouldIgnore)).toEqual([
      true,
      false,
      true,
      true,
      false,
    ]);

    await createRepo(hub, alice.token, 'ignoring');
    await postCommit(
      hub,
      alice.token,
      'alice/ignoring',
      'main',
      ndjson([header(), fileLine('.gitignore', 'secret/\n*.tmp\n')]),
    ).expect(200);
    const hosted = await preupload(
      {
        files: [
          { path: 'secret/key', size: 1, sample: sample('x') },
          { path: 'a.tmp', size: 1, sample: sample('x') },
          { path: 'a.txt', size: 1, sample: sample('x') },
        ],
      },
      { repo: 'alice/ignoring' },
    ).expect(200);
    expect(hosted.body.files.map((file: { shouldIgnore: boolean }) => file.shouldIgnore)).toEqual([true, true, false]);
  });

  it('should return the current content id: git blob sha1 for regular files, sha256 for LFS files', async () => {
    await createRepo(hub, alice.token, 'oids');
    const git = await openGit(hub, 'alice/oids');
    const object = await uploadLfsObject(hub, alice.token, 'alice/oids', Buffer.from('y'.repeat(2000)));
    await postCommit(
      hub,
      alice.token,
      'alice/oids',
      'main',
      ndjson([
        header(),
        fileLine('config.json', '{"a":1}'),
        lfsFileLine('weights.bin', object),
        fileLine('folder/inner.txt', 'i'),
      ]),
    ).expect(200);
    const response = await preupload(
      {
        files: [
          { path: 'config.json', size: 7, sample: sample('{"a":1}') },
          { path: 'weights.bin', size: 2000, sample: sample('y'.repeat(512)) },
          { path: 'missing.txt', size: 1, sample: sample('m') },
          { path: 'folder', size: 1, sample: sample('f') },
        ],
      },
      { repo: 'alice/oids' },
    ).expect(200);
    expect(response.body.files).toEqual([
      {
        path: 'config.json',
        uploadMode: 'regular',
        shouldIgnore: false,
        oid: gitIn(git, ['rev-parse', 'main:config.json']).trim(),
      },
      { path: 'weights.bin', uploadMode: 'lfs', shouldIgnore: false, oid: object.oid },
      { path: 'missing.txt', uploadMode: 'regular', shouldIgnore: false },
      { path: 'folder', uploadMode: 'regular', shouldIgnore: false },
    ]);
    const atTag = await preupload(
      { files: [{ path: 'config.json', size: 7, sample: sample('{"a":1}') }] },
      { repo: 'alice/oids', revision: 'refs/heads/main' },
    ).expect(200);
    expect(atTag.body.files[0].oid).toBe(response.body.files[0].oid);
  });

  it('should accept ?create_pr=1, refuse invalid paths with 422 and unknown revisions with RevisionNotFound', async () => {
    await request(hub.url)
      .post('/api/models/alice/pre/preupload/main?create_pr=1')
      .set(bearer(alice.token))
      .send({ files: [{ path: 'a.txt', size: 1, sample: sample('a') }] })
      .expect(200);
    const invalid = await preupload({ files: [{ path: '../x', size: 1, sample: sample('a') }] });
    expect([invalid.status, invalid.headers['x-error-code']]).toEqual([422, 'InvalidPath']);
    const unknown = await preupload({ files: [{ path: 'a.txt', size: 1, sample: sample('a') }] }, { revision: 'nope' });
    expect([unknown.status, unknown.headers['x-error-code']]).toEqual([404, 'RevisionNotFound']);
    const malformed = await preupload({ files: [{ path: 'a.txt', size: -1 }] });
    expect(malformed.status).toBe(400);
  });

  it('should require write access: 401 anonymous, 403 other users, RepoNotFound on private repos', async () => {
    await createRepo(hub, alice.token, 'hidden', { isPrivate: true });
    const body = { files: [{ path: 'a.txt', size: 1, sample: sample('a') }] };
    await request(hub.url).post('/api/models/alice/pre/preupload/main').send(body).expect(401);
    await preupload(body, { token: bob.token }).expect(403);
    const hidden = await preupload(body, { token: bob.token, repo: 'alice/hidden' }).expect(404);
    expect(hidden.headers['x-error-code']).toBe('RepoNotFound');
  });
});
