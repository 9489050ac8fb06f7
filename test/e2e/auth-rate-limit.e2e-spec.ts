import request from 'supertest';
import { loginRequest, PASSWORD, registerRequest } from 'test/utils/accounts';
import { createTestHub, TestHub } from 'test/utils/test-hub';

describe('login rate limit', () => {
  describe('per username', () => {
    let hub: TestHub;

    beforeAll(async () => {
      hub = await createTestHub({
        env: {
          KOHAKU_HUB_BCRYPT_COST: '10',
          KOHAKU_HUB_LOGIN_ATTEMPTS_PER_USERNAME: '3',
          KOHAKU_HUB_LOGIN_ATTEMPTS_PER_IP: '1000',
          KOHAKU_HUB_LOGIN_WINDOW_SECONDS: '600',
        },
      });
      await registerRequest(hub, 'rita').expect(201);
      await registerRequest(hub, 'sam').expect(201);
    });

    afterAll(async () => {
      await hub.close();
    });

    it('should answer 429 with Retry-After once a username had too many attempts, even with the right password', async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        await loginRequest(hub, 'rita', 'wrong password').expect(401);
      }
      const limited = await loginRequest(hub, 'rita', PASSWORD).expect(429);
      expect(limited.headers['x-error-code']).toBe('TooManyRequests');
      const retryAfter = Number(limited.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThan(590);
      expect(retryAfter).toBeLessThanOrEqual(600);
      expect(limited.body.error).toBe(`Too many login attempts; try again in ${retryAfter} seconds`);
      // The same name written differently is the same counter; other names are not limited.
      await loginRequest(hub, 'RITA', PASSWORD).expect(429);
      await loginRequest(hub, 'sam', PASSWORD).expect(200);
    });

    it('should limit unknown usernames exactly like existing ones', async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        await loginRequest(hub, 'ghost', 'wrong password').expect(401);
      }
      await loginRequest(hub, 'ghost', 'wrong password').expect(429);
    });

    it('should reset the username counter after a successful login', async () => {
      await loginRequest(hub, 'sam', 'wrong password').expect(401);
      await loginRequest(hub, 'sam', 'wrong password').expect(401);
      await loginRequest(hub, 'sam', PASSWORD).expect(200);
      await loginRequest(hub, 'sam', 'wrong password').expect(401);
      await loginRequest(hub, 'sam', 'wrong password').expect(401);
      await loginRequest(hub, 'sam', PASSWORD).expect(200);
    });

    it('should count git HTTP Basic password attempts against the same limit', async () => {
      await registerRequest(hub, 'gina').expect(201);
      const basic = (password: string) => `Basic ${Buffer.from(`gina:${password}`).toString('base64')}`;
      for (let attempt = 0; attempt < 3; attempt++) {
        await request(hub.url).get('/api/auth/me').set('Authorization', basic('wrong password')).expect(401);
      }
      const limited = await request(hub.url).get('/api/auth/me').set('Authorization', basic(PASSWORD)).expect(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    });
  });

  describe('per client IP', () => {
    let hub: TestHub;

    beforeAll(async () => {
      hub = await createTestHub({
        env: {
          KOHAKU_HUB_BCRYPT_COST: '10',
          KOHAKU_HUB_LOGIN_ATTEMPTS_PER_USERNAME: '100',
          KOHAKU_HUB_LOGIN_ATTEMPTS_PER_IP: '4',
        },
      });
      await registerRequest(hub, 'ivy').expect(201);
    });

    afterAll(async () => {
      await hub.close();
    });

    it('should count every login from an address, successful ones included, across usernames', async () => {
      await loginRequest(hub, 'ivy', PASSWORD).expect(200);
      await loginRequest(hub, 'ivy', PASSWORD).expect(200);
      await loginRequest(hub, 'someone', 'wrong password').expect(401);
      await loginRequest(hub, 'another', 'wrong password').expect(401);
      const limited = await loginRequest(hub, 'ivy', PASSWORD).expect(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      await loginRequest(hub, 'yet-another', 'wrong password').expect(429);
    });
  });
});
