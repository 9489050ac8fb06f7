import request from 'supertest';
import { createTestHub, TestHub } from 'test/utils/test-hub';

describe('POST /api/validate-yaml', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await createTestHub();
  });

  afterAll(async () => {
    await hub.close();
  });

  function validate(content: unknown, repoType = 'model'): request.Test {
    return request(hub.url).post('/api/validate-yaml').send({ content, repoType });
  }

  it('should accept valid front matter, READMEs without any and empty front matter, without credentials', async () => {
    for (const content of [
      '---\nlicense: mit\ntags:\n  - text\n---\n# Model\n',
      '# Just a title\n\nNo metadata.\n',
      '---\n---\nbody\n',
      '\uFEFF---\r\nlanguage: en\r\n---\r\n',
      '',
    ]) {
      const response = await validate(content);
      expect([JSON.stringify(content), response.status, response.body]).toEqual([
        JSON.stringify(content),
        200,
        { errors: [], warnings: [] },
      ]);
      expect(response.headers['content-type']).toMatch(/application\/json/);
    }
  });

  it('should answer 400 with JSON errors for invalid YAML, a non-mapping or an unclosed block', async () => {
    for (const content of [
      '---\nlicense: [mit\n---\n',
      '---\n- a\n- b\n---\n',
      '---\njust a string\n---\n',
      '---\nkey: 1\nkey: 2\n---\n',
      '---\nlicense: mit\n',
    ]) {
      const response = await validate(content, 'dataset');
      expect([JSON.stringify(content), response.status]).toEqual([JSON.stringify(content), 400]);
      expect(response.headers['content-type']).toMatch(/application\/json/);
      expect(response.body.errors).toEqual([{ message: expect.any(String) }]);
      expect(response.body.warnings).toEqual([]);
      expect(response.headers['x-error-code']).toBe('BadRequest');
    }
  });

  it('should answer JSON for a malformed request too', async () => {
    const response = await request(hub.url).post('/api/validate-yaml').send({ repoType: 'model' });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(response.body.error).toEqual(expect.any(String));
  });
});
