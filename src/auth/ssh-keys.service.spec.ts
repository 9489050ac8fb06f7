import { AuthUser } from 'src/common/auth-user';
import { SshKeyEntity } from 'src/auth/ssh-key.entity';
import { InvalidSshKeyError } from 'src/auth/ssh-keys.parser';
import { SshKeyRepository } from 'src/auth/ssh-keys.repository';
import { SshKeyInUseError, SshKeyNotFoundError, SshKeysService } from 'src/auth/ssh-keys.service';
import { ed25519KeyBlob, toOpenSshLine } from 'test/e2e/profile-fixtures';

const alice: AuthUser = { id: 7, username: 'alice', isAdmin: false, credential: 'token', credentialId: 1 };

function entity(fields: Partial<SshKeyEntity> = {}): SshKeyEntity {
  return Object.assign(new SshKeyEntity(), {
    id: 3,
    userId: alice.id,
    keyType: 'ssh-ed25519',
    publicKey: 'ssh-ed25519 AAAA',
    fingerprint: 'SHA256:abc',
    title: 'Laptop',
    lastUsed: null,
    createdAt: new Date('2025-01-15T12:00:00.000Z'),
    ...fields,
  });
}

describe(SshKeysService.name, () => {
  let sut: SshKeysService;
  let keys: jest.Mocked<
    Pick<SshKeyRepository, 'listForUser' | 'findForUser' | 'findByFingerprint' | 'insert' | 'deleteForUser'>
  >;

  beforeEach(() => {
    keys = {
      listForUser: jest.fn(),
      findForUser: jest.fn(),
      findByFingerprint: jest.fn(),
      insert: jest.fn(),
      deleteForUser: jest.fn(),
    };
    sut = new SshKeysService(keys as unknown as SshKeyRepository);
  });

  it('should store a valid key under the caller with its type and fingerprint, and answer in the seed shape', async () => {
    const blob = ed25519KeyBlob();
    keys.findByFingerprint.mockResolvedValue(null);
    keys.insert.mockImplementation((key) => Promise.resolve(entity({ ...key, id: 42 })));

    const result = await sut.addKey(alice, { title: 'My Laptop', key: toOpenSshLine('ssh-ed25519', blob, 'me@host') });

    expect(keys.insert).toHaveBeenCalledWith({
      userId: alice.id,
      keyType: 'ssh-ed25519',
      publicKey: `ssh-ed25519 ${blob.toString('base64')}`,
      fingerprint: expect.stringMatching(/^SHA256:[A-Za-z0-9+/]{43}$/),
      title: 'My Laptop',
    });
    expect(result).toEqual({
      id: 42,
      title: 'My Laptop',
      key_type: 'ssh-ed25519',
      fingerprint: keys.insert.mock.calls[0][0].fingerprint,
      created_at: '2025-01-15T12:00:00.000Z',
      last_used: null,
    });
  });

  it('should refuse a key that is already registered, by anyone, with 409', async () => {
    keys.findByFingerprint.mockResolvedValue(entity({ userId: 99 }));
    await expect(
      sut.addKey(alice, { title: 'x', key: toOpenSshLine('ssh-ed25519', ed25519KeyBlob()) }),
    ).rejects.toThrow(SshKeyInUseError);
    expect(keys.insert).not.toHaveBeenCalled();
  });

  it('should answer 409 when a concurrent insert wins the unique fingerprint', async () => {
    keys.findByFingerprint.mockResolvedValue(null);
    keys.insert.mockResolvedValue(null);
    const error = await sut
      .addKey(alice, { title: 'x', key: toOpenSshLine('ssh-ed25519', ed25519KeyBlob()) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshKeyInUseError);
    expect(error).toMatchObject({ status: 409, message: 'This key is already in use' });
  });

  it('should refuse an invalid key before touching the database', async () => {
    await expect(sut.addKey(alice, { title: 'x', key: 'ssh-ed25519 bm9wZQ==' })).rejects.toBeInstanceOf(
      InvalidSshKeyError,
    );
    expect(keys.findByFingerprint).not.toHaveBeenCalled();
  });

  it('should list only the caller’s keys', async () => {
    keys.listForUser.mockResolvedValue([
      entity({ id: 1 }),
      entity({ id: 2, lastUsed: new Date('2025-02-01T00:00:00Z') }),
    ]);
    const result = await sut.listKeys(alice);
    expect(keys.listForUser).toHaveBeenCalledWith(alice.id);
    expect(result.map((key) => [key.id, key.last_used])).toEqual([
      [1, null],
      [2, '2025-02-01T00:00:00.000Z'],
    ]);
  });

  it('should answer 404 for a key of another user, exactly as for a missing one', async () => {
    keys.findForUser.mockResolvedValue(null);
    await expect(sut.getKey(alice, 5)).rejects.toBeInstanceOf(SshKeyNotFoundError);
    expect(keys.findForUser).toHaveBeenCalledWith(alice.id, 5);
    keys.deleteForUser.mockResolvedValue(false);
    await expect(sut.deleteKey(alice, 5)).rejects.toBeInstanceOf(SshKeyNotFoundError);
  });

  it('should answer 404 without a query for ids no row can have', async () => {
    await expect(sut.getKey(alice, 0)).rejects.toBeInstanceOf(SshKeyNotFoundError);
    await expect(sut.deleteKey(alice, 2 ** 40)).rejects.toBeInstanceOf(SshKeyNotFoundError);
    expect(keys.findForUser).not.toHaveBeenCalled();
    expect(keys.deleteForUser).not.toHaveBeenCalled();
  });

  it('should delete the caller’s key', async () => {
    keys.deleteForUser.mockResolvedValue(true);
    await expect(sut.deleteKey(alice, 3)).resolves.toEqual({ success: true, message: 'SSH key deleted successfully' });
    expect(keys.deleteForUser).toHaveBeenCalledWith(alice.id, 3);
  });
});
