import { rmSync, writeFileSync } from 'node:fs';
import request from 'supertest';
import { BlobStorage } from 'src/storage/blob-storage';
import { createTestHub, TestHub } from 'test/utils/test-hub';

describe('system endpoints and error rendering', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await createTestHub();
  });

  afterAll(async () => {
    await hub.close();
  });

  it('should report health of database, storage and git', async () => {
    const response = await request(hub.url).get('/health').expect(200);
    expect(response.body).toEqual({ status: 'ok', checks: { database: 'ok', storage: 'ok', git: 'ok' } });
  });

  it('should answer / and /api/version', async () => {
    const root = await request(hub.url).get('/').expect(200);
    expect(root.body).toMatchObject({ name: 'Kohaku Hub', docs: '/docs', health: '/health' });
    const version = await request(hub.url).get('/api/version').expect(200);
    expect(version.body).toMatchObject({ api: 'kohakuhub', compatibility: 'huggingface_hub' });
    expect(version.body.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('should serve Swagger UI at /docs and the document at /docs-json', async () => {
    const ui = await request(hub.url).get('/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger');
    const document = await request(hub.url).get('/docs-json').expect(200);
    expect(document.body.openapi).toMatch(/^3\./);
    expect(Object.keys(document.body.paths)).toEqual(expect.arrayContaining(['/health', '/api/version']));
    expect(document.body.paths['/health'].get.operationId).toBe('getHealth');
  });

  it('should answer unknown routes with a JSON 404 carrying the error headers', async () => {
    const response = await request(hub.url).get('/api/definitely/not/here').expect(404);
    expect(response.headers['x-error-code']).toBe('NotFound');
    expect(response.headers['x-error-message']).toBeTruthy();
    expect(response.body).toEqual({ error: expect.any(String) });
  });

  it('should answer a malformed JSON body with 400 BadRequest and a message', async () => {
    const response = await request(hub.url)
      .post('/api/version')
      .set('Content-Type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(response.headers['x-error-code']).toBe('BadRequest');
    expect(response.body.error).toMatch(/JSON/);
  });

  it('should parse the git-lfs media type as JSON and refuse malformed ones the same way', async () => {
    const response = await request(hub.url)
      .post('/api/version')
      .set('Content-Type', 'application/vnd.git-lfs+json; charset=utf-8')
      .send('{oops')
      .expect(400);
    expect(response.headers['x-error-code']).toBe('BadRequest');
  });

  it('should answer an oversized JSON body with 413 and the limit in the message', async () => {
    const big = JSON.stringify({ blob: 'x'.repeat(hub.config.maxJsonBodyBytes + 10) });
    const response = await request(hub.url)
      .post('/api/version')
      .set('Content-Type', 'application/json')
      .send(big)
      .expect(413);
    expect(response.headers['x-error-code']).toBe('PayloadTooLarge');
    expect(response.body.error).toContain(String(hub.config.maxJsonBodyBytes));
  });

  it('should echo a valid X-Request-Id and mint one otherwise', async () => {
    const echoed = await request(hub.url).get('/api/version').set('X-Request-Id', 'proxy-id-12345678');
    expect(echoed.headers['x-request-id']).toBe('proxy-id-12345678');
    const minted = await request(hub.url).get('/api/version').set('X-Request-Id', 'bad id with spaces');
    expect(minted.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const errorResponse = await request(hub.url).get('/nope');
    expect(errorResponse.headers['x-request-id']).toBeTruthy();
  });

  it('should answer 503 naming the failing part when storage is down', async () => {
    rmSync(hub.config.storage.fsRoot, { recursive: true, force: true });
    writeFileSync(hub.config.storage.fsRoot, 'not a folder');
    try {
      const response = await request(hub.url).get('/health').expect(503);
      expect(response.headers['x-error-code']).toBe('ServiceUnavailable');
      expect(response.body).toMatchObject({
        status: 'failed',
        checks: { storage: 'failed', database: 'ok', git: 'ok' },
      });
      expect(response.body.error).toContain('storage');
    } finally {
      rmSync(hub.config.storage.fsRoot, { force: true });
      await hub.app.get(BlobStorage).ensureReady();
    }
  });
});
