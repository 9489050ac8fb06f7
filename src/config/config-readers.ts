/** Raised when an environment variable has a value the hub cannot run with; boot stops with its message. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

function raw(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) {
    return undefined;
  }
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function readString(env: Env, name: string, fallback: string): string;
export function readString(env: Env, name: string): string | undefined;
export function readString(env: Env, name: string, fallback?: string): string | undefined {
  return raw(env, name) ?? fallback;
}

export function readInt(env: Env, name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
  const value = raw(env, name);
  if (value === undefined) {
    return fallback;
  }
  if (!/^-?\d+$/.test(value)) {
    throw new ConfigError(name, `must be a whole number, got "${value}"`);
  }
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) {
    throw new ConfigError(name, `is too large: "${value}"`);
  }
  if (range.min !== undefined && parsed < range.min) {
    throw new ConfigError(name, `must be at least ${range.min}, got ${parsed}`);
  }
  if (range.max !== undefined && parsed > range.max) {
    throw new ConfigError(name, `must be at most ${range.max}, got ${parsed}`);
  }
  return parsed;
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);

export function readBool(env: Env, name: string, fallback: boolean): boolean {
  const value = raw(env, name);
  if (value === undefined) {
    return fallback;
  }
  const lower = value.toLowerCase();
  if (TRUE_WORDS.has(lower)) {
    return true;
  }
  if (FALSE_WORDS.has(lower)) {
    return false;
  }
  throw new ConfigError(name, `must be true or false, got "${value}"`);
}

export function readEnum<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = raw(env, name);
  if (value === undefined) {
    return fallback;
  }
  const match = allowed.find((candidate) => candidate === value.toLowerCase());
  if (!match) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return match;
}

/** An absolute http(s) URL without a trailing slash, or undefined when unset. */
export function readHttpUrl(env: Env, name: string): string | undefined {
  const value = raw(env, name);
  if (value === undefined) {
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, `must be an absolute http(s) URL, got "${value}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(name, `must use http or https, got "${parsed.protocol}"`);
  }
  if (parsed.search || parsed.hash) {
    throw new ConfigError(name, 'must not carry a query or fragment');
  }
  return value.replace(/\/+$/, '');
}
