import request from 'supertest';
import { TestHub } from 'test/utils/test-hub';
import {
  bearer,
  commitLines,
  createRepo,
  createWriterHub,
  fileLine,
  gitIn,
  header,
  lfsFileLine,
  newRepo,
  uploadLfsObject,
  Writer,
} from 'test/e2e/commit-helpers';

/** One file of a preupload request: its path, announced size and the base64 sample of its first 512 bytes. */
function file(path: string, size: number, content: string | Buffer): { path: string; size: number; sample: string } {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return { path, size, sample: bytes.subarray(0, 512).toString('base64') };
}

type PreuploadAnswer = { files: { uploadMode: string; shouldIgnore: boolean }[] };

function uploadModes(response: { body: PreuploadAnswer }): string[] {
  return response.body.files.map((entry) => entry.uploadMode);
}

function ignoredFlags(response: { body: PreuploadAnswer }): boolean[] {
  return response.body.files.map((entry) => entry.shouldIgnore);
}

describe('preupload (POST /api/{type}s/{id}/preupload/{rev})', () => {
  let hub: TestHub;
  let alice: Writer;
  let bob: Writer;

  beforeAll(async () => {
    [hub, alice, bob] = await createWriterHub(['alice', 'bob'], { env: { KOHAKU_HUB_LFS_THRESHOLD_BYTES: '1000' } });
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
        file('small.txt', 10, 'plain text'),
        file('big.txt', 1000, 'x'.repeat(512)),
        file('just-under.txt', 999, 'x'.repeat(512)),
        file('empty.bin', 0, ''),
        file('weights/model.safetensors', 10, '{}'),
        file('nested/saved_model/x/variables', 10, 'text'),
        file('tiny.pt', 5, 'text!'),
        file('nul.dat', 4, Buffer.from([0x61, 0, 0x62, 0x63])),
        file('latin1.txt', 3, Buffer.from([0x63, 0xe9, 0x74])),
        file('saved_model/v1/variables', 10, 'text'),
        file('cut-utf8.md', 600, Buffer.concat([Buffer.from('a'.repeat(510)), Buffer.from('é').subarray(0, 1)])),
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
        files: [file('a.txt', 150, 'text'), file('b.txt', 50, 'text'), file('C.DAT', 5, 'text')],
      },
      { repo: 'alice/tuned' },
    ).expect(200);
    expect(uploadModes(response)).toEqual(['lfs', 'regular', 'lfs']);
  });

  it("should use the request's gitAttributes instead of the revision's file when sent", async () => {
    const response = await preupload({
      gitAttributes: '*.csv filter=lfs diff=lfs merge=lfs -text\n',
      files: [file('data/table.csv', 10, 'a,b'), file('x.safetensors', 10, '{}')],
    }).expect(200);
    expect(uploadModes(response)).toEqual(['lfs', 'lfs']);
  });

  it('should report shouldIgnore from gitIgnore, else from the revision .gitignore', async () => {
    const sent = await preupload({
      gitIgnore: '*.log\n!keep.log\nbuild/\n/root-only.txt\n',
      files: [
        file('debug.log', 1, 'x'),
        file('sub/keep.log', 1, 'x'),
        file('build/out/a.js', 1, 'x'),
        file('root-only.txt', 1, 'x'),
        file('sub/root-only.txt', 1, 'x'),
      ],
    }).expect(200);
    expect(ignoredFlags(sent)).toEqual([true, false, true, true, false]);

    const { id: ignoring } = await newRepo(hub, alice, 'ignoring');
    await commitLines(hub, alice.token, ignoring, [header(), fileLine('.gitignore', 'secret/\n*.tmp\n')]).expect(200);
    const hosted = await preupload(
      {
        files: [file('secret/key', 1, 'x'), file('a.tmp', 1, 'x'), file('a.txt', 1, 'x')],
      },
      { repo: ignoring },
    ).expect(200);
    expect(ignoredFlags(hosted)).toEqual([true, true, false]);
  });

  it('should return the current content id: git blob sha1 for regular files, sha256 for LFS files', async () => {
    const { id, git } = await newRepo(hub, alice, 'oids');
    const object = await uploadLfsObject(hub, alice.token, id, Buffer.from('y'.repeat(2000)));
    await commitLines(hub, alice.token, id, [
      header(),
      fileLine('config.json', '{"a":1}'),
      lfsFileLine('weights.bin', object),
      fileLine('folder/inner.txt', 'i'),
    ]).expect(200);
    const response = await preupload(
      {
        files: [
          file('config.json', 7, '{"a":1}'),
          file('weights.bin', 2000, 'y'.repeat(512)),
          file('missing.txt', 1, 'm'),
          file('folder', 1, 'f'),
        ],
      },
      { repo: id },
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
      { files: [file('config.json', 7, '{"a":1}')] },
      { repo: id, revision: 'refs/heads/main' },
    ).expect(200);
    expect(atTag.body.files[0].oid).toBe(response.body.files[0].oid);
  });

  it('should accept ?create_pr=1, refuse invalid paths with 422 and unknown revisions with RevisionNotFound', async () => {
    await request(hub.url)
      .post('/api/models/alice/pre/preupload/main?create_pr=1')
      .set(bearer(alice.token))
      .send({ files: [file('a.txt', 1, 'a')] })
      .expect(200);
    const invalid = await preupload({ files: [file('../x', 1, 'a')] });
    expect([invalid.status, invalid.headers['x-error-code']]).toEqual([422, 'InvalidPath']);
    const unknown = await preupload({ files: [file('a.txt', 1, 'a')] }, { revision: 'nope' });
    expect([unknown.status, unknown.headers['x-error-code']]).toEqual([404, 'RevisionNotFound']);
    const malformed = await preupload({ files: [{ path: 'a.txt', size: -1 }] });
    expect(malformed.status).toBe(400);
  });

  it('should require write access: 401 anonymous, 403 other users, RepoNotFound on private repos', async () => {
    await createRepo(hub, alice.token, 'hidden', { isPrivate: true });
    const body = { files: [file('a.txt', 1, 'a')] };
    await request(hub.url).post('/api/models/alice/pre/preupload/main').send(body).expect(401);
    await preupload(body, { token: bob.token }).expect(403);
    const hidden = await preupload(body, { token: bob.token, repo: 'alice/hidden' }).expect(404);
    expect(hidden.headers['x-error-code']).toBe('RepoNotFound');
  });
});
