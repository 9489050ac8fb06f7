import { createHash, randomBytes } from 'node:crypto';

export const API_TOKEN_PREFIX = 'hf_';
const API_TOKEN_RANDOM_LENGTH = 37;
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** The largest multiple of 62 that fits a byte: bytes at or above it are redrawn so every character is equally likely. */
const UNBIASED_BYTE_LIMIT = 256 - (256 % BASE62.length);
/** How much of a token a list shows (`hf_` and two characters): enough to tell tokens apart, useless to guess one. */
const DISPLAY_PREFIX_LENGTH = API_TOKEN_PREFIX.length + 2;

export function randomBase62(length: number): string {
  let text = '';
  while (text.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < UNBIASED_BYTE_LIMIT) {
        text += BASE62[byte % BASE62.length];
        if (text.length === length) {
          break;
        }
      }
    }
  }
  return text;
}

/** A new API token secret: `hf_` and 37 random base62 characters (about 220 bits), as the HF clients expect. */
export function generateApiTokenSecret(): string {
  return API_TOKEN_PREFIX + randomBase62(API_TOKEN_RANDOM_LENGTH);
}

export function isApiTokenSecret(secret: string): boolean {
  return secret.startsWith(API_TOKEN_PREFIX);
}

export function apiTokenDisplayPrefix(secret: string): string {
  return secret.slice(0, DISPLAY_PREFIX_LENGTH);
}

/** A random, URL-safe one-time secret for links (email verification). */
export function generateLinkSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Stored form of a high-entropy secret. A plain sha256 is enough (and lets the secret be looked up
 * by an index) because the secrets are random, not chosen by people.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
