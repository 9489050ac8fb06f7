import { createTestHub, TestHub } from 'test/utils/test-hub';
import { listRoutes } from 'test/utils/routes';

describe('auth decisions on every route', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await createTestHub();
  });

  afterAll(async () => {
    await hub.close();
  });

  it('should find an explicit ✓/○/✗ decision on every route handler', () => {
    const routes = listRoutes(hub.app);
    expect(routes.length).toBeGreaterThan(0);
    const undecided = routes.filter((route) => route.auth === undefined).map((r) => `${r.method} ${r.path}`);
    expect(undecided).toEqual([]);
  });

  it('should give operation ids that are unique across the API', () => {
    const handlers = new Set(listRoutes(hub.app).map((route) => `${route.controller}.${route.handler}`));
    const names = [...handlers].map((handler) => handler.split('.')[1]);
    expect(new Set(names).size).toBe(names.length);
  });
});
