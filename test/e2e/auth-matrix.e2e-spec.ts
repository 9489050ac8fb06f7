import request from 'supertest';
import { AuthLevel } from 'src/common/decorators/auth.decorator';
import { listRoutes, RouteInfo } from 'test/utils/routes';
import { createTestHub, TestHub } from 'test/utils/test-hub';

/**
 * The seed document's auth legend for the routes it lists (✓ required, ○ optional, ✗ none).
 * A route implemented with another level, or missing, fails here.
 */
const SEED_MATRIX: Record<string, AuthLevel> = {
  'POST /api/repos/create': 'required',
  'DELETE /api/repos/delete': 'required',
  'POST /api/repos/move': 'required',
  'PUT /api/:repoType/:namespace/:name/settings': 'required',
  'GET /api/:repoType/:namespace/:name/lfs/settings': 'optional',
  'GET /:namespace/:name/resolve/*target': 'optional',
  'GET /:repoType/:namespace/:name/resolve/*target': 'optional',
  'GET /api/models': 'optional',
  'GET /api/datasets': 'optional',
  'GET /api/spaces': 'optional',
  'GET /api/models/:namespace/:name': 'optional',
  'GET /api/datasets/:namespace/:name': 'optional',
  'GET /api/spaces/:namespace/:name': 'optional',
  'GET /api/models/:namespace/:name/revision/*revision': 'optional',
  'GET /api/datasets/:namespace/:name/revision/*revision': 'optional',
  'GET /api/spaces/:namespace/:name/revision/*revision': 'optional',
  'GET /api/users/:username/repos': 'optional',
  'GET /api/:repoType/:namespace/:name/tree/*revisionAndPath': 'optional',
  'POST /api/:repoType/:namespace/:name/paths-info/*revision': 'optional',
  'GET /api/:repoType/:namespace/:name/commits/*revision': 'optional',
  'PUT /api/users/:username/settings': 'required',
  'PUT /api/organizations/:org_name/settings': 'required',
  'POST /api/users/:username/avatar': 'required',
  'GET /api/users/:username/avatar': 'optional',
  'DELETE /api/users/:username/avatar': 'required',
  'POST /api/organizations/:org_name/avatar': 'required',
  'GET /api/organizations/:org_name/avatar': 'optional',
  'DELETE /api/organizations/:org_name/avatar': 'required',
  'POST /api/invitations/org/:org_name/create': 'required',
  'GET /api/invitations/:token': 'none',
  'POST /api/invitations/:token/accept': 'required',
  'DELETE /api/invitations/:token': 'required',
  'GET /api/invitations/org/:org_name/list': 'required',
  'GET /api/user/keys': 'required',
  'POST /api/user/keys': 'required',
  'GET /api/user/keys/:key_id': 'required',
  'DELETE /api/user/keys/:key_id': 'required',
  'POST /api/validate/check-name': 'none',
  'POST /api/auth/register': 'none',
  'POST /api/auth/login': 'none',
  'POST /api/auth/logout': 'required',
  'GET /api/auth/verify-email': 'none',
  'GET /api/auth/me': 'required',
  'GET /api/auth/tokens': 'required',
  'POST /api/auth/tokens/create': 'required',
  'DELETE /api/auth/tokens/:token_id': 'required',
  'POST /org/create': 'required',
  'GET /org/:org_name': 'none',
  'GET /org/:org_name/members': 'optional',
  'POST /org/:org_name/members': 'required',
  'DELETE /org/:org_name/members/:username': 'required',
  'PUT /org/:org_name/members/:username': 'required',
  'GET /org/users/:username/orgs': 'none',
  'GET /api/whoami-v2': 'required',
  'GET /api/version': 'none',
  'GET /health': 'none',
  'GET /': 'none',
  'GET /:namespace/:name.git/info/refs': 'optional',
  'GET /:namespace/:name.git/HEAD': 'optional',
  'POST /:namespace/:name.git/git-upload-pack': 'optional',
  'POST /:namespace/:name.git/git-receive-pack': 'required',
};

/** A concrete URL for a route pattern: parameters become harmless placeholder values. */
function concretePath(route: RouteInfo): string {
  return route.path.replace(/:repoType/g, 'models').replace(/:[A-Za-z_]+/g, 'probe-value');
}

function send(hub: TestHub, route: RouteInfo): request.Test {
  const agent = request(hub.url);
  const path = concretePath(route);
  switch (route.method) {
    case 'GET':
      return agent.get(path);
    case 'POST':
      return agent.post(path).send({});
    case 'PUT':
      return agent.put(path).send({});
    case 'DELETE':
      return agent.delete(path).send({});
    case 'PATCH':
      return agent.patch(path).send({});
    default:
      throw new Error(`No probe for method ${route.method}`);
  }
}

describe('auth decisions on every route', () => {
  let hub: TestHub;
  let routes: RouteInfo[];

  beforeAll(async () => {
    hub = await createTestHub();
    routes = listRoutes(hub.app);
  });

  afterAll(async () => {
    await hub.close();
  });

  it('should find an explicit ✓/○/✗ decision on every route handler', () => {
    expect(routes.length).toBeGreaterThan(40);
    const undecided = routes.filter((route) => route.auth === undefined).map((r) => `${r.method} ${r.path}`);
    expect(undecided).toEqual([]);
  });

  it('should implement every route of the seed matrix with the seed auth level', () => {
    const actual = new Map(routes.map((route) => [`${route.method} ${route.path}`, route.auth?.level]));
    const mismatches = Object.entries(SEED_MATRIX)
      .filter(([route, level]) => actual.get(route) !== level)
      .map(([route, level]) => `${route}: seed ${level}, implemented ${actual.get(route) ?? 'missing'}`);
    expect(mismatches).toEqual([]);
  });

  it('should answer 401 to anonymous calls of every ✓ route', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((candidate) => candidate.auth?.level === 'required')) {
      const response = await send(hub, route);
      if (response.status !== 401 || response.headers['x-error-code'] !== 'Unauthorized') {
        wrong.push(`${route.method} ${route.path} → ${response.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('should refuse an invalid token on every ○ route and never ask for credentials on ✗ routes', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((candidate) => candidate.auth?.level !== 'required')) {
      const response = await send(hub, route).set('Authorization', 'Bearer hf_not_a_real_token_000000000000000000');
      const isUnauthorized = response.status === 401;
      if (route.auth?.level === 'optional' && !isUnauthorized) {
        wrong.push(`${route.method} ${route.path} accepted an invalid token (${response.status})`);
      }
      if (route.auth?.level === 'none' && isUnauthorized) {
        wrong.push(`${route.method} ${route.path} asked for credentials on a ✗ route`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('should give operation ids that are unique across the API', () => {
    const handlers = new Set(routes.map((route) => `${route.controller}.${route.handler}`));
    const names = [...handlers].map((handler) => handler.split('.')[1]);
    expect(new Set(names).size).toBe(names.length);
  });
});
