import request from 'supertest';
import { ACCOUNT_TEST_ENV, apiToken, bearer, newAccounts, TestAccount } from 'test/utils/accounts';
import { createTestHub, TestHub } from 'test/utils/test-hub';
import {
  dsaKeyBlob,
  ecdsaKeyBlob,
  ed25519KeyBlob,
  rsaKeyBlob,
  SSH_KEYGEN_AVAILABLE,
  sshFingerprintOf,
  sshKeygen,
  toOpenSshLine,
} from 'test/e2e/profile-fixtures';

interface KeyCase {
  type: string;
  publicKey: string;
  /** As `ssh-keygen -lf` prints it when ssh-keygen made the key; computed from the blob otherwise. */
  fingerprint: string;
}

/** Real keys from ssh-keygen where it exists (DSA only where it still supports it); node:crypto otherwise. */
function keyOf(type: string, keygen: () => ReturnType<typeof sshKeygen>, blob: () => Buffer): KeyCase {
  if (SSH_KEYGEN_AVAILABLE) {
    try {
      const key = keygen();
      return { type, ...key };
    } catch {
      // OpenSSH 9.8+ is built without DSA; fall back to a hand-built key of the same structure.
    }
  }
  const bytes = blob();
  return { type, publicKey: toOpenSshLine(type, bytes), fingerprint: sshFingerprintOf(bytes) };
}

function keyCases(): KeyCase[] {
  return [
    keyOf(
      'ssh-rsa',
      () => sshKeygen('rsa', 3072),
      () => rsaKeyBlob(3072),
    ),
    keyOf('ssh-dss', () => sshKeygen('dsa'), dsaKeyBlob),
    keyOf(
      'ecdsa-sha2-nistp256',
      () => sshKeygen('ecdsa', 256),
      () => ecdsaKeyBlob('ecdsa-sha2-nistp256'),
    ),
    keyOf(
      'ecdsa-sha2-nistp384',
      () => sshKeygen('ecdsa', 384),
      () => ecdsaKeyBlob('ecdsa-sha2-nistp384'),
    ),
    keyOf(
      'ecdsa-sha2-nistp521',
      () => sshKeygen('ecdsa', 521),
      () => ecdsaKeyBlob('ecdsa-sha2-nistp521'),
    ),
    keyOf('ssh-ed25519', () => sshKeygen('ed25519'), ed25519KeyBlob),
  ];
}

describe('SSH keys: /api/user/keys', () => {
  let hub: TestHub;
  let alice: TestAccount;
  let bob: TestAccount;
  const cases = keyCases();
  const aliceKeyIds: number[] = [];

  beforeAll(async () => {
    hub = await createTestHub({ env: ACCOUNT_TEST_ENV });
    [alice, bob] = await newAccounts(hub, 'alice', 'bob');
  });

  afterAll(async () => {
    await hub.close();
  });

  it.each(cases.map((key) => [key.type, key] as const))(
    'should add a %s key and answer in the seed shape with the ssh-keygen fingerprint',
    async (_type, key) => {
      const response = await request(hub.url)
        .post('/api/user/keys')
        .set(bearer(alice.token))
        .send({ title: `  ${key.type} key  `, key: key.publicKey })
        .expect(201);
      expect(response.body).toEqual({
        id: expect.any(Number),
        title: `${key.type} key`,
        key_type: key.type,
        fingerprint: key.fingerprint,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        last_used: null,
      });
      aliceKeyIds.push(response.body.id as number);
    },
  );

  it('should list exactly the caller’s keys, oldest first', async () => {
    const bobKey = await request(hub.url)
      .post('/api/user/keys')
      .set(bearer(bob.token))
      .send({ title: 'bob laptop', key: toOpenSshLine('ssh-ed25519', ed25519KeyBlob()) })
      .expect(201);
    const list = await request(hub.url).get('/api/user/keys').set(bearer(alice.token)).expect(200);
    expect(list.body.map((key: { id: number }) => key.id)).toEqual(aliceKeyIds);
    expect(list.body.map((key: { key_type: string }) => key.key_type)).toEqual(cases.map((key) => key.type));
    const bobList = await request(hub.url).get('/api/user/keys').set(bearer(bob.token)).expect(200);
    expect(bobList.body).toEqual([expect.objectContaining({ id: bobKey.body.id, title: 'bob laptop' })]);
  });

  it('should show one key to its owner and answer 404 to everyone else', async () => {
    const id = aliceKeyIds[0];
    const own = await request(hub.url).get(`/api/user/keys/${id}`).set(bearer(alice.token)).expect(200);
    expect(own.body).toMatchObject({ id, key_type: 'ssh-rsa', fingerprint: cases[0].fingerprint });
    const other = await request(hub.url).get(`/api/user/keys/${id}`).set(bearer(bob.token)).expect(404);
    expect(other.headers['x-error-code']).toBe('NotFound');
    await request(hub.url).delete(`/api/user/keys/${id}`).set(bearer(bob.token)).expect(404);
    await request(hub.url).get(`/api/user/keys/${id}`).set(bearer(alice.token)).expect(200);
    await request(hub.url).get('/api/user/keys/999999').set(bearer(alice.token)).expect(404);
    await request(hub.url).get('/api/user/keys/99999999999999999999').set(bearer(alice.token)).expect(404);
  });

  it('should refuse a key that is already registered, by the same or another account, with 409', async () => {
    const mine = await request(hub.url)
      .post('/api/user/keys')
      .set(bearer(alice.token))
      .send({ title: 'again', key: cases[5].publicKey })
      .expect(409);
    expect(mine.headers['x-error-code']).toBe('Conflict');
    expect(mine.body.error).toBe('This key is already in use');
    // The same key with another comment is the same key.
    const [type, data] = cases[5].publicKey.split(' ');
    const theirs = await request(hub.url)
      .post('/api/user/keys')
      .set(bearer(bob.token))
      .send({ title: 'stolen', key: `${type} ${data} someone-else@host` })
      .expect(409);
    expect(theirs.body.error).toBe('This key is already in use');
  });

  it('should refuse invalid keys and bodies with a 400 that says why', async () => {
    const cases400: Array<[Record<string, unknown>, RegExp]> = [
      [{ title: 'x', key: 'ssh-ed25519 AAAA$$$$' }, /not valid base64/],
      [{ title: 'x', key: toOpenSshLine('ssh-rsa', rsaKeyBlob(1024)) }, /1024 bits; at least 2048/],
      [{ title: 'x', key: `ssh-rsa ${ed25519KeyBlob().toString('base64')}` }, /"ssh-ed25519" key/],
      [{ title: 'x', key: 'ssh-foo AAAA' }, /unsupported key type "ssh-foo"/],
      [
        { title: 'x', key: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----' },
        /private key/,
      ],
      [{ title: '   ', key: toOpenSshLine('ssh-ed25519', ed25519KeyBlob()) }, /title must not be empty/],
      [{ key: toOpenSshLine('ssh-ed25519', ed25519KeyBlob()) }, /title/],
      [{ title: 'x' }, /key/],
      [{ title: 'x'.repeat(101), key: toOpenSshLine('ssh-ed25519', ed25519KeyBlob()) }, /title must be shorter/],
    ];
    for (const [body, reason] of cases400) {
      const response = await request(hub.url).post('/api/user/keys').set(bearer(alice.token)).send(body);
      expect({ status: response.status, code: response.headers['x-error-code'] }).toEqual({
        status: 400,
        code: 'BadRequest',
      });
      expect(response.body.error).toMatch(reason);
    }
    const badId = await request(hub.url).get('/api/user/keys/abc').set(bearer(alice.token)).expect(400);
    expect(badId.body.error).toBe('key_id must be an integer');
  });

  it('should require authentication, and a write token to add or delete', async () => {
    await request(hub.url).get('/api/user/keys').expect(401);
    await request(hub.url).post('/api/user/keys').send({ title: 'x', key: cases[5].publicKey }).expect(401);
    const readToken = await apiToken(hub, alice, 'read');
    await request(hub.url).get('/api/user/keys').set(bearer(readToken)).expect(200);
    await request(hub.url)
      .post('/api/user/keys')
      .set(bearer(readToken))
      .send({ title: 'x', key: toOpenSshLine('ssh-ed25519', ed25519KeyBlob()) })
      .expect(403);
    await request(hub.url).delete(`/api/user/keys/${aliceKeyIds[1]}`).set(bearer(readToken)).expect(403);
  });

  it('should delete the owner’s key, after which its fingerprint can be registered again', async () => {
    const id = aliceKeyIds[5];
    const deleted = await request(hub.url).delete(`/api/user/keys/${id}`).set(bearer(alice.token)).expect(200);
    expect(deleted.body).toEqual({ success: true, message: 'SSH key deleted successfully' });
    await request(hub.url).get(`/api/user/keys/${id}`).set(bearer(alice.token)).expect(404);
    await request(hub.url).delete(`/api/user/keys/${id}`).set(bearer(alice.token)).expect(404);
    const readded = await request(hub.url)
      .post('/api/user/keys')
      .set(bearer(bob.token))
      .send({ title: 'now mine', key: cases[5].publicKey })
      .expect(201);
    expect(readded.body.fingerprint).toBe(cases[5].fingerprint);
  });
});
