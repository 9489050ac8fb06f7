import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from 'src/config/config-readers';
import { loadHubConfig, proxyFor } from 'src/config/hub-config';

describe(loadHubConfig.name, () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'kohaku-config-'));
  });

  it('should run on embedded defaults: port 28080, SQLite and fs storage inside the data folder', () => {
    const sut = loadHubConfig({ KOHAKU_HUB_DATA_DIR: dataDir });
    expect(sut.port).toBe(28080);
    expect(sut.database).toEqual({ type: 'sqlite', url: join(dataDir, 'hub.db') });
    expect(sut.storage.driver).toBe('fs');
    expect(sut.storage.fsRoot).toBe(join(dataDir, 'blobs'));
    expect(sut.git.root).toBe(join(dataDir, 'git'));
    expect(sut.lfsThresholdBytes).toBe(10_000_000);
    expect(sut.baseUrl).toBeUndefined();
  });

  it.each([
    ['KOHAKU_HUB_PORT', 'eighty'],
    ['KOHAKU_HUB_PORT', '70000'],
    ['KOHAKU_HUB_STORAGE', 'ftp'],
    ['KOHAKU_HUB_BASE_URL', 'hub.example.com'],
    ['KOHAKU_HUB_DATABASE_URL', 'mysql://x'],
    ['KOHAKU_HUB_LFS_THRESHOLD_BYTES', '-1'],
    ['KOHAKU_HUB_TRUST_PROXY', 'maybe'],
    ['KOHAKU_HUB_SESSION_SECRET', 'short'],
  ])('should stop with a message naming %s when it is %s', (variable, value) => {
    const load = () => loadHubConfig({ KOHAKU_HUB_DATA_DIR: dataDir, [variable]: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(variable);
  });

  it('should require both S3 keys or neither', () => {
    expect(() =>
      loadHubConfig({ KOHAKU_HUB_DATA_DIR: dataDir, KOHAKU_HUB_STORAGE: 's3', KOHAKU_HUB_S3_ACCESS_KEY: 'a' }),
    ).toThrow('KOHAKU_HUB_S3_SECRET_KEY');
  });

  it('should recognise Postgres URLs and strip a trailing slash from the base URL', () => {
    const sut = loadHubConfig({
      KOHAKU_HUB_DATA_DIR: dataDir,
      KOHAKU_HUB_DATABASE_URL: 'postgres://u@db:5432/hub',
      KOHAKU_HUB_BASE_URL: 'https://corp.example/hub/',
    });
    expect(sut.database).toEqual({ type: 'postgres', url: 'postgres://u@db:5432/hub' });
    expect(sut.baseUrl).toBe('https://corp.example/hub');
  });

  it('should generate secrets once into the data folder, private to the owner, and reuse them', () => {
    const first = loadHubConfig({ KOHAKU_HUB_DATA_DIR: dataDir });
    const second = loadHubConfig({ KOHAKU_HUB_DATA_DIR: dataDir });
    expect(first.secrets.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(first.secrets.urlSigningSecret).not.toBe(first.secrets.sessionSecret);
    expect(second.secrets).toEqual(first.secrets);
    const file = join(dataDir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(first.secrets);
  });

  it('should prefer secrets given in the environment', () => {
    const secret = 's'.repeat(40);
    const sut = loadHubConfig({ KOHAKU_HUB_DATA_DIR: dataDir, KOHAKU_HUB_SESSION_SECRET: secret });
    expect(sut.secrets.sessionSecret).toBe(secret);
  });
});

describe(proxyFor.name, () => {
  it('should pick the proxy by the target scheme, in upper or lower case', () => {
    expect(proxyFor({ HTTPS_PROXY: 'http://p:3128' }, 'https://s3.example.com')).toBe('http://p:3128');
    expect(proxyFor({ https_proxy: 'http://p:3128' }, 'https://s3.example.com')).toBe('http://p:3128');
    expect(proxyFor({ HTTPS_PROXY: 'http://p:3128' }, 'http://minio:9000')).toBeUndefined();
    expect(proxyFor({ HTTP_PROXY: 'http://p:3128' }, 'http://minio:9000')).toBe('http://p:3128');
  });

  it('should honour NO_PROXY hosts, domain suffixes and *', () => {
    const env = { HTTPS_PROXY: 'http://p:3128' };
    expect(proxyFor({ ...env, NO_PROXY: 'example.com' }, 'https://s3.example.com')).toBeUndefined();
    expect(proxyFor({ ...env, NO_PROXY: '.example.com' }, 'https://s3.example.com')).toBeUndefined();
    expect(proxyFor({ ...env, no_proxy: 's3.example.com:443' }, 'https://s3.example.com')).toBeUndefined();
    expect(proxyFor({ ...env, NO_PROXY: '*' }, 'https://s3.example.com')).toBeUndefined();
    expect(proxyFor({ ...env, NO_PROXY: 'other.com,ample.com' }, 'https://s3.example.com')).toBe('http://p:3128');
  });

  it('should stop with a message naming the variable when the proxy is not a URL', () => {
    expect(() => proxyFor({ HTTPS_PROXY: 'not a url' }, 'https://s3.example.com')).toThrow('HTTPS_PROXY');
  });
});
