import { createHash } from 'node:crypto';
import { InvalidSshKeyError, parseSshPublicKey, sshFingerprint, SSH_KEY_TYPES } from 'src/auth/ssh-keys.parser';
import {
  dsaKeyBlob,
  ecdsaKeyBlob,
  ed25519KeyBlob,
  rsaKeyBlob,
  SSH_KEYGEN_AVAILABLE,
  sshKeygen,
  sshMpint,
  sshString,
  toOpenSshLine,
} from 'test/e2e/profile-fixtures';

function expectInvalid(text: string, reason: RegExp): void {
  let thrown: unknown;
  try {
    parseSshPublicKey(text);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InvalidSshKeyError);
  expect((thrown as InvalidSshKeyError).status).toBe(400);
  expect((thrown as InvalidSshKeyError).message).toMatch(reason);
}

describe(parseSshPublicKey.name, () => {
  const blobs: Record<string, () => Buffer> = {
    'ssh-rsa': () => rsaKeyBlob(2048),
    'ssh-dss': dsaKeyBlob,
    'ecdsa-sha2-nistp256': () => ecdsaKeyBlob('ecdsa-sha2-nistp256'),
    'ecdsa-sha2-nistp384': () => ecdsaKeyBlob('ecdsa-sha2-nistp384'),
    'ecdsa-sha2-nistp521': () => ecdsaKeyBlob('ecdsa-sha2-nistp521'),
    'ssh-ed25519': ed25519KeyBlob,
  };

  it.each(SSH_KEY_TYPES)('should accept a well-formed %s key and fingerprint its blob', (type) => {
    const blob = blobs[type]();
    const sut = parseSshPublicKey(`  ${toOpenSshLine(type, blob, 'me@laptop with spaces')}\n`);
    expect(sut.type).toBe(type);
    expect(sut.blob.equals(blob)).toBe(true);
    expect(sut.publicKey).toBe(`${type} ${blob.toString('base64')}`);
    expect(sut.comment).toBe('me@laptop with spaces');
    expect(sut.fingerprint).toBe(`SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`);
  });

  it('should accept a key without a comment', () => {
    const blob = ed25519KeyBlob();
    expect(parseSshPublicKey(`ssh-ed25519 ${blob.toString('base64')}`).comment).toBeNull();
  });

  (SSH_KEYGEN_AVAILABLE ? it : it.skip)('should compute the fingerprint ssh-keygen -lf prints, for every type', () => {
    const generated = [
      sshKeygen('rsa', 3072),
      sshKeygen('ecdsa', 256),
      sshKeygen('ecdsa', 384),
      sshKeygen('ecdsa', 521),
      sshKeygen('ed25519'),
    ];
    for (const key of generated) {
      expect(parseSshPublicKey(key.publicKey).fingerprint).toBe(key.fingerprint);
    }
  });

  it('should refuse an unsupported type and list the supported ones', () => {
    expectInvalid(`ssh-foo ${ed25519KeyBlob().toString('base64')}`, /unsupported key type "ssh-foo".*ssh-rsa, ssh-dss/);
    expectInvalid(`sk-ssh-ed25519@openssh.com ${ed25519KeyBlob().toString('base64')}`, /unsupported key type/);
  });

  it('should refuse text that is not one OpenSSH key line', () => {
    expectInvalid('', /expected the OpenSSH format/);
    expectInvalid('ssh-ed25519', /expected the OpenSSH format/);
    expectInvalid('-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----', /private key/);
    expectInvalid('---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----', /RFC 4716/);
  });

  it('should refuse key data that is not base64', () => {
    expectInvalid('ssh-ed25519 AAAA$$$$', /not valid base64/);
    expectInvalid('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI', /not valid base64/);
  });

  it('should refuse a key whose embedded type differs from the declared one', () => {
    expectInvalid(`ssh-rsa ${ed25519KeyBlob().toString('base64')}`, /says it is "ssh-rsa".*"ssh-ed25519"/);
  });

  it('should refuse an RSA modulus below 2048 bits', () => {
    expectInvalid(toOpenSshLine('ssh-rsa', rsaKeyBlob(1024)), /1024 bits; at least 2048/);
  });

  it('should refuse an even RSA exponent or modulus', () => {
    const modulus = Buffer.alloc(256, 0xff);
    expectInvalid(
      toOpenSshLine('ssh-rsa', Buffer.concat([sshString('ssh-rsa'), sshMpint(Buffer.from([4])), sshMpint(modulus)])),
      /exponent must be an odd number/,
    );
    modulus[255] = 0xfe;
    expectInvalid(
      toOpenSshLine(
        'ssh-rsa',
        Buffer.concat([sshString('ssh-rsa'), sshMpint(Buffer.from([1, 0, 1])), sshMpint(modulus)]),
      ),
      /modulus is even/,
    );
  });

  it('should refuse negative or padded mpints', () => {
    const negative = Buffer.concat([
      sshString('ssh-rsa'),
      sshString(Buffer.from([0x81])),
      sshMpint(Buffer.alloc(256, 0xff)),
    ]);
    expectInvalid(toOpenSshLine('ssh-rsa', negative), /exponent is negative/);
    const padded = Buffer.concat([
      sshString('ssh-rsa'),
      sshString(Buffer.from([0, 1, 0, 1])),
      sshMpint(Buffer.alloc(256, 0xff)),
    ]);
    expectInvalid(toOpenSshLine('ssh-rsa', padded), /not minimally encoded/);
  });

  it('should refuse truncated data and data with lengths past its end', () => {
    const blob = rsaKeyBlob(2048);
    expectInvalid(
      toOpenSshLine('ssh-rsa', blob.subarray(0, blob.length - 10)),
      /RSA modulus is longer than the key data/,
    );
    expectInvalid(toOpenSshLine('ssh-rsa', sshString('ssh-rsa')), /ends before its RSA public exponent/);
  });

  it('should refuse trailing bytes after the key', () => {
    const blob = Buffer.concat([ed25519KeyBlob(), Buffer.from([0])]);
    expectInvalid(toOpenSshLine('ssh-ed25519', blob), /unexpected bytes after the key/);
  });

  it('should refuse an Ed25519 key that is not 32 bytes', () => {
    const blob = Buffer.concat([sshString('ssh-ed25519'), sshString(Buffer.alloc(31, 1))]);
    expectInvalid(toOpenSshLine('ssh-ed25519', blob), /must be 32 bytes, not 31/);
  });

  it('should refuse an ECDSA key whose curve name, point size or point does not fit its type', () => {
    const good = ecdsaKeyBlob('ecdsa-sha2-nistp256');
    const point = good.subarray(good.length - 65);
    const wrongCurve = Buffer.concat([sshString('ecdsa-sha2-nistp256'), sshString('nistp384'), sshString(point)]);
    expectInvalid(toOpenSshLine('ecdsa-sha2-nistp256', wrongCurve), /curve name "nistp384" does not match/);
    const shortPoint = Buffer.concat([
      sshString('ecdsa-sha2-nistp256'),
      sshString('nistp256'),
      sshString(point.subarray(0, 33)),
    ]);
    expectInvalid(toOpenSshLine('ecdsa-sha2-nistp256', shortPoint), /must be 65 bytes/);
    const offCurve = Buffer.concat([
      sshString('ecdsa-sha2-nistp256'),
      sshString('nistp256'),
      sshString(Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)])),
    ]);
    expectInvalid(toOpenSshLine('ecdsa-sha2-nistp256', offCurve), /does not lie on nistp256/);
  });

  it('should refuse DSA parameters of implausible sizes', () => {
    const big = Buffer.alloc(128, 0xff);
    const smallP = Buffer.concat([
      sshString('ssh-dss'),
      sshMpint(Buffer.alloc(64, 0xff)),
      sshMpint(Buffer.alloc(20, 0xff)),
      sshMpint(Buffer.from([2])),
      sshMpint(Buffer.from([3])),
    ]);
    expectInvalid(toOpenSshLine('ssh-dss', smallP), /DSA prime has 512 bits/);
    const oddQ = Buffer.concat([
      sshString('ssh-dss'),
      sshMpint(big),
      sshMpint(Buffer.alloc(16, 0xff)),
      sshMpint(Buffer.from([2])),
      sshMpint(Buffer.from([3])),
    ]);
    expectInvalid(toOpenSshLine('ssh-dss', oddQ), /160, 224 or 256 bits/);
    const gTooLarge = Buffer.concat([
      sshString('ssh-dss'),
      sshMpint(Buffer.concat([Buffer.alloc(127, 0xff), Buffer.from([0xf0])])),
      sshMpint(Buffer.alloc(20, 0xff)),
      sshMpint(big),
      sshMpint(Buffer.from([3])),
    ]);
    expectInvalid(toOpenSshLine('ssh-dss', gTooLarge), /between 2 and p - 1/);
  });
});

describe(sshFingerprint.name, () => {
  it('should print SHA256: and unpadded base64, as ssh-keygen does', () => {
    expect(sshFingerprint(Buffer.from('abc'))).toBe('SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0');
  });
});
