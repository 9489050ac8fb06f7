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

  /** Every answer, valid or not, is JSON: the clients parse it before looking at the status. */
  async function validate(content: unknown, repoType = 'model'): Promise<request.Response> {
    const response = await request(hub.url).post('/api/validate-yaml').send({ content, repoType });
    expect(response.headers['content-type']).toMatch(/application\/json/);
    return response;
  }

  it.each([
    ['front matter', '---\nlicense: mit\ntags:\n  - text\n---\n# Model\n'],
    ['a README without front matter', '# Just a title\n\nNo metadata.\n'],
    ['empty front matter', '---\n---\nbody\n'],
    ['a byte order mark and CRLF lines', '\uFEFF---\r\nlanguage: en\r\n---\r\n'],
    ['an empty README', ''],
  ])('should accept %s without credentials', async (_case, content) => {
    const response = await validate(content);
    expect([response.status, response.body]).toEqual([200, { errors: [], warnings: [] }]);
  });

  it.each([
    ['invalid YAML', '---\nlicense: [mit\n---\n'],
    ['a list instead of a mapping', '---\n- a\n- b\n---\n'],
    ['a string instead of a mapping', '---\njust a string\n---\n'],
    ['a duplicate key', '---\nkey: 1\nkey: 2\n---\n'],
    ['an unclosed block', '---\nlicense: mit\n'],
  ])('should answer 400 with JSON errors for %s', async (_case, content) => {
    const response = await validate(content, 'dataset');
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ message: expect.any(String) }]);
    expect(response.body.warnings).toEqual([]);
    expect(response.headers['x-error-code']).toBe('BadRequest');
  });

  it('should answer JSON for a malformed request too', async () => {
    const response = await request(hub.url).post('/api/validate-yaml').send({ repoType: 'model' });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(response.body.error).toEqual(expect.any(String));
  });
});
