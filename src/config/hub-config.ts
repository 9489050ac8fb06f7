import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError, Env, readBool, readEnum, readHttpUrl, readInt, readString } from 'src/config/config-readers';

export const STORAGE_DRIVERS = ['fs', 's3'] as const;
export type StorageDriver = (typeof STORAGE_DRIVERS)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface DatabaseConfig {
  type: 'sqlite' | 'postgres';
  /** The SQLite file path, or the Postgres connection URL. */
  url: string;
}

export interface S3Config {
  endpoint?: string;
  publicEndpoint?: string;
  accessKey?: string;
  secretKey?: string;
  bucket: string;
  region: string;
  forcePathStyle: boolean;
  /** Proxy for calls to the S3 endpoint, from the standard HTTPS_PROXY / HTTP_PROXY / NO_PROXY variables. */
  proxyUrl?: string;
}

export interface StorageConfig {
  driver: StorageDriver;
  fsRoot: string;
  s3: S3Config;
  signedUrlTtlSeconds: number;
}

export interface GitConfig {
  root: string;
  binary: string;
  timeoutMs: number;
  catFilePoolSize: number;
  /** Largest (decompressed) request body a `git push` may send; more is refused with a message git shows. */
  maxPushBytes: number;
  /** Largest (decompressed) fetch negotiation request (`git-upload-pack` POST): wants, haves and shallows only. */
  maxFetchRequestBytes: number;
}

export interface LfsTransferConfig {
  /** Objects larger than this get a multipart upload when the client offers `multipart`. */
  multipartThresholdBytes: number;
  /** Size of every part but the last (raised when an object would otherwise need over 10,000 parts). */
  multipartChunkBytes: number;
  /** More objects in one batch request is a 413. */
  maxBatchObjects: number;
}

/** How resolve serves LFS content: a redirect to a short-lived signed URL, or streamed through the app. */
export const DOWNLOAD_MODES = ['redirect', 'proxy'] as const;
export type DownloadMode = (typeof DOWNLOAD_MODES)[number];

export const REGISTRATION_MODES = ['open', 'invitation', 'closed'] as const;
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

export interface AdminBootstrapConfig {
  username: string;
  password: string;
  email: string;
}

export interface AuthConfig {
  registrationMode: RegistrationMode;
  sessionTtlHours: number;
  bcryptCost: number;
  /** Login attempts allowed per window, per username and per client IP. */
  loginAttemptsPerUsername: number;
  loginAttemptsPerIp: number;
  loginWindowSeconds: number;
  /** The first administrator, created or updated at boot when all three variables are set. */
  admin?: AdminBootstrapConfig;
}

export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;
  username?: string;
  password?: string;
  from: string;
}

export interface SecretsConfig {
  sessionSecret: string;
  urlSigningSecret: string;
}

/**
 * The whole runtime configuration, parsed once from `KOHAKU_HUB_*` variables at boot.
 * Every other module injects this class; nothing outside `src/config/` reads `process.env`.
 */
export class HubConfig {
  readonly port!: number;
  readonly host!: string;
  readonly dataDir!: string;
  /** Public URL clients use (no trailing slash); when unset, URLs are built from the request. */
  readonly baseUrl?: string;
  readonly trustProxy!: boolean;
  readonly logLevel!: LogLevel;
  readonly database!: DatabaseConfig;
  readonly storage!: StorageConfig;
  readonly git!: GitConfig;
  readonly lfsThresholdBytes!: number;
  readonly lfsTransfer!: LfsTransferConfig;
  readonly downloadMode!: DownloadMode;
  readonly maxJsonBodyBytes!: number;
  /** Repositories per page of the listing endpoints, and the cap on their `limit`. */
  readonly listMaxPageSize!: number;
  readonly secrets!: SecretsConfig;
  readonly auth!: AuthConfig;
  /** Outgoing mail; when unset, email verification is off. */
  readonly smtp?: SmtpConfig;

  constructor(values: HubConfig) {
    Object.assign(this, values);
  }
}

const MIB = 1024 * 1024;

function resolveLfsTransfer(env: Env): LfsTransferConfig {
  return {
    multipartThresholdBytes: readInt(env, 'KOHAKU_HUB_LFS_MULTIPART_THRESHOLD_BYTES', 64 * MIB, { min: 1 }),
    // S3 refuses parts under 5 MiB (all but the last), so no store gets smaller ones.
    multipartChunkBytes: readInt(env, 'KOHAKU_HUB_LFS_MULTIPART_CHUNK_BYTES', 16 * MIB, { min: 5 * MIB }),
    maxBatchObjects: readInt(env, 'KOHAKU_HUB_LFS_MAX_BATCH_OBJECTS', 1000, { min: 1, max: 100_000 }),
  };
}

function resolveDatabase(env: Env, dataDir: string): DatabaseConfig {
  const url = readString(env, 'KOHAKU_HUB_DATABASE_URL');
  if (url === undefined) {
    return { type: 'sqlite', url: join(dataDir, 'hub.db') };
  }
  if (/^postgres(ql)?:\/\//i.test(url)) {
    return { type: 'postgres', url };
  }
  if (/^sqlite:/i.test(url)) {
    const file = url.replace(/^sqlite:(\/\/)?/i, '');
    if (file === '') {
      throw new ConfigError('KOHAKU_HUB_DATABASE_URL', 'names no SQLite file (use sqlite:///path/to/hub.db)');
    }
    return { type: 'sqlite', url: file === ':memory:' ? file : resolve(file) };
  }
  throw new ConfigError('KOHAKU_HUB_DATABASE_URL', 'must start with postgres://, postgresql:// or sqlite:');
}

function resolveStorage(env: Env, dataDir: string): StorageConfig {
  const driver = readEnum(env, 'KOHAKU_HUB_STORAGE', STORAGE_DRIVERS, 'fs');
  const s3: S3Config = {
    endpoint: readHttpUrl(env, 'KOHAKU_HUB_S3_ENDPOINT'),
    publicEndpoint: readHttpUrl(env, 'KOHAKU_HUB_S3_PUBLIC_ENDPOINT'),
    accessKey: readString(env, 'KOHAKU_HUB_S3_ACCESS_KEY'),
    secretKey: readString(env, 'KOHAKU_HUB_S3_SECRET_KEY'),
    bucket: readString(env, 'KOHAKU_HUB_S3_BUCKET', 'hub-storage'),
    region: readString(env, 'KOHAKU_HUB_S3_REGION', 'us-east-1'),
    forcePathStyle: readBool(env, 'KOHAKU_HUB_S3_FORCE_PATH_STYLE', true),
  };
  s3.proxyUrl = proxyFor(env, s3.endpoint ?? `https://s3.${s3.region}.amazonaws.com`);
  if (driver === 's3') {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(s3.bucket)) {
      throw new ConfigError('KOHAKU_HUB_S3_BUCKET', `is not a valid bucket name: "${s3.bucket}"`);
    }
    if ((s3.accessKey === undefined) !== (s3.secretKey === undefined)) {
      throw new ConfigError(
        s3.accessKey === undefined ? 'KOHAKU_HUB_S3_ACCESS_KEY' : 'KOHAKU_HUB_S3_SECRET_KEY',
        'must be set together with its pair (access key and secret key)',
      );
    }
  }
  return {
    driver,
    fsRoot: join(dataDir, 'blobs'),
    s3,
    signedUrlTtlSeconds: readInt(env, 'KOHAKU_HUB_SIGNED_URL_TTL_SECONDS', 3600, { min: 30, max: 7 * 24 * 3600 }),
  };
}

function resolveAuth(env: Env): AuthConfig {
  const admin = {
    username: readString(env, 'KOHAKU_HUB_ADMIN_USERNAME'),
    password: readString(env, 'KOHAKU_HUB_ADMIN_PASSWORD'),
    email: readString(env, 'KOHAKU_HUB_ADMIN_EMAIL'),
  };
  const given = Object.values(admin).filter((value) => value !== undefined).length;
  if (given > 0 && given < 3) {
    const missing = Object.entries(admin).find(([, value]) => value === undefined)?.[0] ?? 'username';
    throw new ConfigError(
      `KOHAKU_HUB_ADMIN_${missing.toUpperCase()}`,
      'must be set together with the other KOHAKU_HUB_ADMIN_* variables',
    );
  }
  if (admin.password !== undefined && admin.password.length < 8) {
    throw new ConfigError('KOHAKU_HUB_ADMIN_PASSWORD', 'must be at least 8 characters long');
  }
  return {
    registrationMode: readEnum(env, 'KOHAKU_HUB_REGISTRATION', REGISTRATION_MODES, 'open'),
    sessionTtlHours: readInt(env, 'KOHAKU_HUB_SESSION_EXPIRE_HOURS', 24 * 14, { min: 1 }),
    bcryptCost: readInt(env, 'KOHAKU_HUB_BCRYPT_COST', 12, { min: 10, max: 15 }),
    loginAttemptsPerUsername: readInt(env, 'KOHAKU_HUB_LOGIN_ATTEMPTS_PER_USERNAME', 10, { min: 1 }),
    loginAttemptsPerIp: readInt(env, 'KOHAKU_HUB_LOGIN_ATTEMPTS_PER_IP', 50, { min: 1 }),
    loginWindowSeconds: readInt(env, 'KOHAKU_HUB_LOGIN_WINDOW_SECONDS', 15 * 60, { min: 1 }),
    admin:
      given === 3
        ? { username: admin.username as string, password: admin.password as string, email: admin.email as string }
        : undefined,
  };
}

function resolveSmtp(env: Env): SmtpConfig | undefined {
  const host = readString(env, 'KOHAKU_HUB_SMTP_HOST');
  if (host === undefined) {
    return undefined;
  }
  const secure = readBool(env, 'KOHAKU_HUB_SMTP_SECURE', false);
  return {
    host,
    port: readInt(env, 'KOHAKU_HUB_SMTP_PORT', secure ? 465 : 587, { min: 1, max: 65535 }),
    secure,
    username: readString(env, 'KOHAKU_HUB_SMTP_USERNAME'),
    password: readString(env, 'KOHAKU_HUB_SMTP_PASSWORD'),
    from: readString(env, 'KOHAKU_HUB_SMTP_FROM', 'Kohaku Hub <noreply@localhost>'),
  };
}

/** `NO_PROXY` entries: `*`, exact hosts, and domain suffixes with or without a leading dot. */
function bypassesProxy(host: string, noProxy: string | undefined): boolean {
  return (noProxy ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase().replace(/:\d+$/, ''))
    .filter((entry) => entry !== '')
    .some(
      (entry) =>
        entry === '*' ||
        host === entry.replace(/^\./, '') ||
        host.endsWith(entry.startsWith('.') ? entry : `.${entry}`),
    );
}

/**
 * The proxy the standard variables (upper or lower case, as curl reads them) name for `targetUrl`,
 * unless `NO_PROXY` exempts its host: corporate networks often reach object stores only this way.
 */
export function proxyFor(env: Env, targetUrl: string): string | undefined {
  const target = new URL(targetUrl);
  const names = target.protocol === 'https:' ? ['HTTPS_PROXY', 'https_proxy'] : ['HTTP_PROXY', 'http_proxy'];
  const proxy = names.map((name) => readString(env, name)).find((value) => value !== undefined);
  if (
    proxy === undefined ||
    bypassesProxy(target.hostname.toLowerCase(), readString(env, 'NO_PROXY') ?? readString(env, 'no_proxy'))
  ) {
    return undefined;
  }
  try {
    new URL(proxy);
  } catch {
    throw new ConfigError(names[0], `must be a proxy URL such as http://proxy:3128, got "${proxy}"`);
  }
  return proxy;
}

const SECRETS_FILE = 'secrets.json';

/**
 * Secrets given in the environment win; otherwise they are generated once into the data folder
 * (mode 0600) so restarts and replicas sharing the folder keep sessions and signed URLs valid.
 */
function resolveSecrets(env: Env, dataDir: string): SecretsConfig {
  const given = {
    sessionSecret: readString(env, 'KOHAKU_HUB_SESSION_SECRET'),
    urlSigningSecret: readString(env, 'KOHAKU_HUB_URL_SIGNING_SECRET'),
  };
  for (const [name, value] of [
    ['KOHAKU_HUB_SESSION_SECRET', given.sessionSecret],
    ['KOHAKU_HUB_URL_SIGNING_SECRET', given.urlSigningSecret],
  ] as const) {
    if (value !== undefined && value.length < 32) {
      throw new ConfigError(name, 'must be at least 32 characters long');
    }
  }
  if (given.sessionSecret !== undefined && given.urlSigningSecret !== undefined) {
    return { sessionSecret: given.sessionSecret, urlSigningSecret: given.urlSigningSecret };
  }
  const file = join(dataDir, SECRETS_FILE);
  let stored: Partial<SecretsConfig> = {};
  try {
    stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<SecretsConfig>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ConfigError('KOHAKU_HUB_DATA_DIR', `holds an unreadable ${SECRETS_FILE}: ${(error as Error).message}`);
    }
  }
  const secrets: SecretsConfig = {
    sessionSecret: stored.sessionSecret ?? randomBytes(48).toString('base64url'),
    urlSigningSecret: stored.urlSigningSecret ?? randomBytes(48).toString('base64url'),
  };
  if (stored.sessionSecret === undefined || stored.urlSigningSecret === undefined) {
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return {
    sessionSecret: given.sessionSecret ?? secrets.sessionSecret,
    urlSigningSecret: given.urlSigningSecret ?? secrets.urlSigningSecret,
  };
}

/** Parses and validates the environment; throws `ConfigError` naming the first bad variable. */
export function loadHubConfig(env: Env): HubConfig {
  const dataDirRaw = readString(env, 'KOHAKU_HUB_DATA_DIR', './data');
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(dataDirRaw);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new ConfigError('KOHAKU_HUB_DATA_DIR', `cannot be created at ${dataDir}: ${(error as Error).message}`);
  }
  return new HubConfig({
    port: readInt(env, 'KOHAKU_HUB_PORT', 28080, { min: 0, max: 65535 }),
    host: readString(env, 'KOHAKU_HUB_HOST', '0.0.0.0'),
    dataDir,
    baseUrl: readHttpUrl(env, 'KOHAKU_HUB_BASE_URL'),
    trustProxy: readBool(env, 'KOHAKU_HUB_TRUST_PROXY', false),
    logLevel: readEnum(env, 'KOHAKU_HUB_LOG_LEVEL', LOG_LEVELS, 'info'),
    database: resolveDatabase(env, dataDir),
    storage: resolveStorage(env, dataDir),
    git: {
      root: join(dataDir, 'git'),
      binary: readString(env, 'KOHAKU_HUB_GIT_BINARY', 'git'),
      timeoutMs: readInt(env, 'KOHAKU_HUB_GIT_TIMEOUT_MS', 10 * 60 * 1000, { min: 1000 }),
      catFilePoolSize: readInt(env, 'KOHAKU_HUB_GIT_CAT_FILE_POOL', 64, { min: 1, max: 4096 }),
      maxPushBytes: readInt(env, 'KOHAKU_HUB_GIT_MAX_PUSH_BYTES', 5 * 1024 * MIB, { min: 1024 }),
      maxFetchRequestBytes: readInt(env, 'KOHAKU_HUB_GIT_MAX_FETCH_REQUEST_BYTES', 64 * MIB, { min: 1024 }),
    },
    lfsThresholdBytes: readInt(env, 'KOHAKU_HUB_LFS_THRESHOLD_BYTES', 10_000_000, { min: 1 }),
    lfsTransfer: resolveLfsTransfer(env),
    downloadMode: readEnum(env, 'KOHAKU_HUB_DOWNLOAD_MODE', DOWNLOAD_MODES, 'redirect'),
    maxJsonBodyBytes: readInt(env, 'KOHAKU_HUB_MAX_JSON_BODY_BYTES', 2 * 1024 * 1024, { min: 1024 }),
    listMaxPageSize: readInt(env, 'KOHAKU_HUB_LIST_MAX_PAGE_SIZE', 1000, { min: 1, max: 10_000 }),
    secrets: resolveSecrets(env, dataDir),
    auth: resolveAuth(env),
    smtp: resolveSmtp(env),
  });
}
