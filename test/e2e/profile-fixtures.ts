import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** SSH wire-format `string`: uint32 big-endian length, then the bytes. */
export function sshString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** SSH wire-format `mpint` of a positive magnitude: minimal, with a zero byte when the top bit is set. */
export function sshMpint(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) {
    start += 1;
  }
  const trimmed = magnitude.subarray(start);
  return sshString((trimmed[0] & 0x80) !== 0 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

/** `SHA256:` + unpadded base64 of the blob's SHA-256, computed independently of the code under test. */
export function sshFingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export function toOpenSshLine(type: string, blob: Buffer, comment = 'test@kohaku'): string {
  return `${type} ${blob.toString('base64')} ${comment}`;
}

function fromBase64Url(value: string | undefined): Buffer {
  return Buffer.from(value ?? '', 'base64url');
}

export function rsaKeyBlob(bits: number): Buffer {
  const jwk = generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ format: 'jwk' });
  return Buffer.concat([sshString('ssh-rsa'), sshMpint(fromBase64Url(jwk.e)), sshMpint(fromBase64Url(jwk.n))]);
}

export const ECDSA_SSH_CURVES = {
  'ecdsa-sha2-nistp256': { nodeCurve: 'prime256v1', identifier: 'nistp256' },
  'ecdsa-sha2-nistp384': { nodeCurve: 'secp384r1', identifier: 'nistp384' },
  'ecdsa-sha2-nistp521': { nodeCurve: 'secp521r1', identifier: 'nistp521' },
} as const;

export function ecdsaKeyBlob(type: keyof typeof ECDSA_SSH_CURVES): Buffer {
  const { nodeCurve, identifier } = ECDSA_SSH_CURVES[type];
  const jwk = generateKeyPairSync('ec', { namedCurve: nodeCurve }).publicKey.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([0x04]), fromBase64Url(jwk.x), fromBase64Url(jwk.y)]);
  return Buffer.concat([sshString(type), sshString(identifier), sshString(point)]);
}

export function ed25519KeyBlob(): Buffer {
  const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
  return Buffer.concat([sshString('ssh-ed25519'), sshString(fromBase64Url(jwk.x))]);
}

/** Random numbers of DSA's sizes (1024-bit p, 160-bit q, g and y below p): structurally a DSA key. */
export function dsaKeyBlob(): Buffer {
  const withTopBit = (bytes: number): Buffer => {
    const value = randomBytes(bytes);
    value[0] |= 0x80;
    value[bytes - 1] |= 0x01;
    return value;
  };
  const p = withTopBit(128);
  const belowP = (): Buffer => {
    const value = randomBytes(128);
    value[0] = 0x40 | (value[0] & 0x3f);
    return value;
  };
  return Buffer.concat([
    sshString('ssh-dss'),
    sshMpint(p),
    sshMpint(withTopBit(20)),
    sshMpint(belowP()),
    sshMpint(belowP()),
  ]);
}

function hasSshKeygen(): boolean {
  try {
    execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // ssh-keygen exits 1 on "-?" after printing its usage; only a missing binary is ENOENT.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

export const SSH_KEYGEN_AVAILABLE = hasSshKeygen();

export interface GeneratedSshKey {
  /** The `.pub` line. */
  publicKey: string;
  /** What `ssh-keygen -lf` prints as the fingerprint, e.g. `SHA256:abc…`. */
  fingerprint: string;
}

/** A real key made by `ssh-keygen -t <type>`, with its fingerprint as `ssh-keygen -lf` reports it. */
export function sshKeygen(type: string, bits?: number): GeneratedSshKey {
  const dir = mkdtempSync(join(tmpdir(), 'kh-ssh-'));
  try {
    const file = join(dir, 'key');
    const args = ['-q', '-t', type, '-N', '', '-C', `${type}@kohaku-test`, '-f', file];
    execFileSync('ssh-keygen', bits === undefined ? args : [...args, '-b', String(bits)], { stdio: 'ignore' });
    const publicKey = readFileSync(`${file}.pub`, 'utf8').trim();
    const listing = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`], { encoding: 'utf8' });
    return { publicKey, fingerprint: listing.split(/\s+/)[1] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
