import { createHash, createPublicKey } from 'node:crypto';
import { BadRequestError } from 'src/common/errors/hub-error';

/** The key types the seed lists, in its order. */
export const SSH_KEY_TYPES = [
  'ssh-rsa',
  'ssh-dss',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-ed25519',
] as const;
export type SshKeyType = (typeof SSH_KEY_TYPES)[number];

/** OpenSSH refuses smaller RSA moduli since 8.8; larger than this it refuses to load the key at all. */
export const RSA_MIN_BITS = 2048;
export const RSA_MAX_BITS = 16384;
const DSA_MIN_P_BITS = 1024;
const DSA_MAX_P_BITS = 10000;
/** FIPS 186 subgroup sizes. */
const DSA_Q_BITS = new Set([160, 224, 256]);
const ED25519_KEY_BYTES = 32;

interface EcdsaCurve {
  identifier: string;
  jwkCurve: string;
  coordinateBytes: number;
}

const ECDSA_CURVES: Record<Extract<SshKeyType, `ecdsa-${string}`>, EcdsaCurve> = {
  'ecdsa-sha2-nistp256': { identifier: 'nistp256', jwkCurve: 'P-256', coordinateBytes: 32 },
  'ecdsa-sha2-nistp384': { identifier: 'nistp384', jwkCurve: 'P-384', coordinateBytes: 48 },
  'ecdsa-sha2-nistp521': { identifier: 'nistp521', jwkCurve: 'P-521', coordinateBytes: 66 },
};

export class InvalidSshKeyError extends BadRequestError {
  constructor(reason: string) {
    super(`Invalid SSH public key: ${reason}`);
  }
}

export interface ParsedSshKey {
  type: SshKeyType;
  /** The decoded wire-format key (RFC 4253 §6.6), which the fingerprint is computed over. */
  blob: Buffer;
  /** `<type> <base64>`: the key in OpenSSH format without its comment. */
  publicKey: string;
  comment: string | null;
  /** `SHA256:<unpadded base64>`, exactly as `ssh-keygen -lf` prints it. */
  fingerprint: string;
}

export function isSshKeyType(value: string): value is SshKeyType {
  return (SSH_KEY_TYPES as readonly string[]).includes(value);
}

export function sshFingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * Reads the SSH wire format (RFC 4251 §5): `string` and `mpint` values, each a uint32 big-endian
 * length followed by that many bytes. Every read is bounds-checked, so a truncated or forged
 * length becomes a readable error instead of a read past the end.
 */
class SshWireReader {
  private offset = 0;

  constructor(private readonly data: Buffer) {}

  readString(what: string): Buffer {
    if (this.data.length - this.offset < 4) {
      throw new InvalidSshKeyError(`the key data ends before its ${what}`);
    }
    const length = this.data.readUInt32BE(this.offset);
    const start = this.offset + 4;
    if (length > this.data.length - start) {
      throw new InvalidSshKeyError(`the ${what} is longer than the key data`);
    }
    this.offset = start + length;
    return this.data.subarray(start, this.offset);
  }

  /** A strictly positive mpint, returned without its sign byte. */
  readPositiveMpint(what: string): Buffer {
    const bytes = this.readString(what);
    if (bytes.length > 0 && (bytes[0] & 0x80) !== 0) {
      throw new InvalidSshKeyError(`the ${what} is negative`);
    }
    // A leading zero byte is only allowed to keep the sign bit of the next byte clear.
    if (bytes.length > 1 && bytes[0] === 0 && (bytes[1] & 0x80) === 0) {
      throw new InvalidSshKeyError(`the ${what} is not minimally encoded`);
    }
    const magnitude = bytes.length > 0 && bytes[0] === 0 ? bytes.subarray(1) : bytes;
    if (magnitude.length === 0) {
      throw new InvalidSshKeyError(`the ${what} is zero`);
    }
    return magnitude;
  }

  assertFinished(): void {
    if (this.offset !== this.data.length) {
      throw new InvalidSshKeyError('the key data has unexpected bytes after the key');
    }
  }
}

function bitLength(magnitude: Buffer): number {
  return (magnitude.length - 1) * 8 + (32 - Math.clz32(magnitude[0]));
}

function toBigInt(magnitude: Buffer): bigint {
  return BigInt(`0x${magnitude.toString('hex')}`);
}

function checkRsa(reader: SshWireReader): void {
  const exponent = reader.readPositiveMpint('RSA public exponent');
  const modulus = reader.readPositiveMpint('RSA modulus');
  const e = toBigInt(exponent);
  if (e < 3n || e % 2n === 0n) {
    throw new InvalidSshKeyError('the RSA public exponent must be an odd number of at least 3');
  }
  const bits = bitLength(modulus);
  if (bits < RSA_MIN_BITS) {
    throw new InvalidSshKeyError(
      `the RSA modulus has ${bits} bits; at least ${RSA_MIN_BITS} are required (generate a new key with "ssh-keygen -t ed25519")`,
    );
  }
  if (bits > RSA_MAX_BITS) {
    throw new InvalidSshKeyError(`the RSA modulus has ${bits} bits; at most ${RSA_MAX_BITS} are supported`);
  }
  if (modulus[modulus.length - 1] % 2 === 0) {
    throw new InvalidSshKeyError('the RSA modulus is even');
  }
}

function checkDsa(reader: SshWireReader): void {
  const p = reader.readPositiveMpint('DSA prime p');
  const q = reader.readPositiveMpint('DSA subgroup order q');
  const g = toBigInt(reader.readPositiveMpint('DSA generator g'));
  const y = toBigInt(reader.readPositiveMpint('DSA public value y'));
  const pBits = bitLength(p);
  if (pBits < DSA_MIN_P_BITS || pBits > DSA_MAX_P_BITS) {
    throw new InvalidSshKeyError(
      `the DSA prime has ${pBits} bits; ${DSA_MIN_P_BITS} to ${DSA_MAX_P_BITS} are accepted`,
    );
  }
  if (!DSA_Q_BITS.has(bitLength(q))) {
    throw new InvalidSshKeyError('the DSA subgroup order must have 160, 224 or 256 bits');
  }
  const pValue = toBigInt(p);
  if (g < 2n || g >= pValue || y < 2n || y >= pValue) {
    throw new InvalidSshKeyError('the DSA generator and public value must lie between 2 and p - 1');
  }
}

function checkEcdsa(reader: SshWireReader, curve: EcdsaCurve): void {
  const identifier = reader.readString('curve name').toString('latin1');
  if (identifier !== curve.identifier) {
    throw new InvalidSshKeyError(`the curve name "${identifier}" does not match the key type (${curve.identifier})`);
  }
  const point = reader.readString('curve point');
  const expectedLength = 1 + 2 * curve.coordinateBytes;
  if (point.length !== expectedLength || point[0] !== 0x04) {
    throw new InvalidSshKeyError(
      `the curve point must be ${expectedLength} bytes in uncompressed form for ${curve.identifier}`,
    );
  }
  const x = point.subarray(1, 1 + curve.coordinateBytes);
  const y = point.subarray(1 + curve.coordinateBytes);
  try {
    // OpenSSL refuses coordinates that are not a point of the curve.
    createPublicKey({
      key: { kty: 'EC', crv: curve.jwkCurve, x: x.toString('base64url'), y: y.toString('base64url') },
      format: 'jwk',
    });
  } catch {
    throw new InvalidSshKeyError(`the curve point does not lie on ${curve.identifier}`);
  }
}

function checkEd25519(reader: SshWireReader): void {
  const key = reader.readString('Ed25519 public key');
  if (key.length !== ED25519_KEY_BYTES) {
    throw new InvalidSshKeyError(`the Ed25519 public key must be ${ED25519_KEY_BYTES} bytes, not ${key.length}`);
  }
}

function checkStructure(type: SshKeyType, blob: Buffer): void {
  const reader = new SshWireReader(blob);
  const embeddedType = reader.readString('key type').toString('latin1');
  if (embeddedType !== type) {
    throw new InvalidSshKeyError(`the key says it is "${type}" but its data holds a "${embeddedType}" key`);
  }
  switch (type) {
    case 'ssh-rsa':
      checkRsa(reader);
      break;
    case 'ssh-dss':
      checkDsa(reader);
      break;
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521':
      checkEcdsa(reader, ECDSA_CURVES[type]);
      break;
    case 'ssh-ed25519':
      checkEd25519(reader);
      break;
  }
  reader.assertFinished();
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function explainNonKeyText(text: string): string {
  if (/PRIVATE KEY/.test(text)) {
    return 'this is a private key; never share it. Paste the public key instead (the contents of the ".pub" file)';
  }
  if (/BEGIN SSH2 PUBLIC KEY/.test(text)) {
    return 'keys in RFC 4716 format are not accepted; convert it with "ssh-keygen -i -f <file>" first';
  }
  return 'expected the OpenSSH format "<type> <base64 data> [comment]", e.g. the contents of "~/.ssh/id_ed25519.pub"';
}

/**
 * Parses one public key in OpenSSH `authorized_keys` format (without options) and checks that it is
 * a plausible key of a supported type: its base64 decodes, the type inside the data matches the
 * declared one, and the fields of that type are present with sensible sizes.
 */
export function parseSshPublicKey(input: string): ParsedSshKey {
  const text = input.trim();
  if (text.startsWith('----')) {
    throw new InvalidSshKeyError(explainNonKeyText(text));
  }
  const [type, data, ...commentWords] = text.split(/\s+/);
  if (data === undefined) {
    throw new InvalidSshKeyError(explainNonKeyText(text));
  }
  if (!isSshKeyType(type)) {
    throw new InvalidSshKeyError(
      `unsupported key type "${type.slice(0, 64)}"; supported types are ${SSH_KEY_TYPES.join(', ')}`,
    );
  }
  const blob = Buffer.from(data, 'base64');
  // Node's decoder skips characters it does not know; only text that re-encodes identically is base64.
  if (!BASE64.test(data) || blob.toString('base64') !== data) {
    throw new InvalidSshKeyError('the key data is not valid base64');
  }
  checkStructure(type, blob);
  return {
    type,
    blob,
    publicKey: `${type} ${data}`,
    comment: commentWords.length > 0 ? commentWords.join(' ') : null,
    fingerprint: sshFingerprint(blob),
  };
}
