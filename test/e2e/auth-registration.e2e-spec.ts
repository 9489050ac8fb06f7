import request from 'supertest';
import { AccountsService } from 'src/auth/accounts.service';
import { AdminBootstrap } from 'src/auth/admin-bootstrap';
import { login, loginRequest, PASSWORD, registerRequest } from 'test/utils/accounts';
import { smtpTestEnv, startSmtpSink, SmtpSink, verificationLinkIn } from 'test/utils/smtp-sink';
import { createTestHub, TestHub } from 'test/utils/test-hub';

describe('registration modes, first administrator and email verification', () => {
  it('should refuse every registration when registration is closed', async () => {
    const hub = await createTestHub({ env: { KOHAKU_HUB_REGISTRATION: 'closed' } });
    try {
      const response = await registerRequest(hub, 'paula').expect(403);
      expect(response.headers['x-error-code']).toBe('Forbidden');
      expect(response.body.error).toBe(
        'Registration is closed on this hub; ask an administrator to create your account',
      );
      await loginRequest(hub, 'paula').expect(401);
    } finally {
      await hub.close();
    }
  });

  it('should require an invitation token in invitation mode', async () => {
    const hub = await createTestHub({ env: { KOHAKU_HUB_REGISTRATION: 'invitation' } });
    try {
      const missing = await registerRequest(hub, 'quinn').expect(403);
      expect(missing.body.error).toContain('needs an invitation');
      const unverifiable = await registerRequest(hub, 'quinn', { invitationToken: 'made-up' }).expect(403);
      expect(unverifiable.headers['x-error-code']).toBe('Forbidden');
      expect(unverifiable.body.error).toMatch(/invitation/);
      await loginRequest(hub, 'quinn').expect(401);
    } finally {
      await hub.close();
    }
  });

  describe('first administrator from the environment', () => {
    let hub: TestHub;

    beforeAll(async () => {
      hub = await createTestHub({
        env: {
          KOHAKU_HUB_BCRYPT_COST: '10',
          KOHAKU_HUB_ADMIN_USERNAME: 'admin',
          KOHAKU_HUB_ADMIN_PASSWORD: 'admin password 1',
          KOHAKU_HUB_ADMIN_EMAIL: 'Root@Example.com',
        },
      });
    });

    afterAll(async () => {
      await hub.close();
    });

    it('should create the administrator at boot, even under a reserved name', async () => {
      const session = await loginRequest(hub, 'admin', 'admin password 1').expect(200);
      expect(session.body.user).toMatchObject({ username: 'admin', email: 'root@example.com', isAdmin: true });
    });

    it('should update password, email and rights of an existing account on the next boot', async () => {
      const accounts = hub.app.get(AccountsService);
      await accounts.ensureAdministrator({
        username: 'admin',
        password: 'rotated password 2',
        email: 'ops@example.com',
      });
      await loginRequest(hub, 'admin', 'admin password 1').expect(401);
      const session = await loginRequest(hub, 'admin', 'rotated password 2').expect(200);
      expect(session.body.user).toMatchObject({ email: 'ops@example.com', isAdmin: true });

      await registerRequest(hub, 'promoted').expect(201);
      await accounts.ensureAdministrator({ username: 'promoted', password: PASSWORD, email: 'promoted@example.com' });
      const promoted = await loginRequest(hub, 'promoted').expect(200);
      expect(promoted.body.user.isAdmin).toBe(true);
    });

    it('should stop the boot with a clear message when the administrator cannot be set up', async () => {
      const bootstrapWith = (admin: { username: string; password: string; email: string }) =>
        new AdminBootstrap(hub.app.get(AccountsService), {
          ...hub.config,
          auth: { ...hub.config.auth, admin },
        }).onApplicationBootstrap();
      await registerRequest(hub, 'taken').expect(201);
      await expect(
        bootstrapWith({ username: 'admin', password: 'rotated password 2', email: 'taken@example.com' }),
      ).rejects.toThrow(
        'The first administrator (KOHAKU_HUB_ADMIN_USERNAME/_EMAIL/_PASSWORD) could not be set up: ' +
          'The email address taken@example.com is already registered',
      );
      const invalid = await bootstrapWith({
        username: 'root',
        password: 'admin password 1',
        email: 'not an email',
      }).then(
        () => undefined,
        (error: Error) => error,
      );
      expect(invalid?.message).toMatch(/could not be set up: "not an email" is not a valid email address$/);
      expect(invalid?.message).not.toContain('admin password 1');
    });
  });

  describe('with SMTP configured', () => {
    let sink: SmtpSink;
    let hub: TestHub;

    beforeAll(async () => {
      sink = await startSmtpSink();
      hub = await createTestHub({ env: { KOHAKU_HUB_BCRYPT_COST: '10', ...smtpTestEnv(sink) } });
    });

    afterAll(async () => {
      await hub.close();
      await sink.close();
    });

    it('should mail a verification link at registration and verify the address through it once', async () => {
      const registered = await registerRequest(hub, 'vera').expect(201);
      expect(registered.body.emailVerificationSent).toBe(true);
      const mail = await sink.nextMessage();
      expect(mail.from).toBe('hub@example.com');
      expect(mail.to).toEqual(['vera@example.com']);
      const link = verificationLinkIn(mail.data);
      expect(link.origin).toBe(hub.url);

      const session = await login(hub, 'vera');
      const before = await request(hub.url).get('/api/auth/me').set('Authorization', `Bearer ${session}`).expect(200);
      expect(before.body.emailVerified).toBe(false);

      const verified = await request(hub.url).get(`${link.pathname}${link.search}`).expect(200);
      expect(verified.body).toEqual({ message: 'Email address vera@example.com verified' });
      const after = await request(hub.url).get('/api/auth/me').set('Authorization', `Bearer ${session}`).expect(200);
      expect(after.body.emailVerified).toBe(true);

      const reused = await request(hub.url).get(`${link.pathname}${link.search}`).expect(400);
      expect(reused.body.error).toContain('invalid or has expired');
      const resend = await request(hub.url)
        .post('/api/auth/resend-verification')
        .set('Authorization', `Bearer ${session}`)
        .expect(400);
      expect(resend.body.error).toBe('Your email address is already verified');
    });

    it('should resend a fresh link that replaces the old one, a few times per hour at most', async () => {
      await registerRequest(hub, 'walt').expect(201);
      const first = verificationLinkIn((await sink.nextMessage()).data);
      const session = await login(hub, 'walt');
      const resend = () =>
        request(hub.url).post('/api/auth/resend-verification').set('Authorization', `Bearer ${session}`);
      const answer = await resend().expect(200);
      expect(answer.body).toEqual({ message: 'A new verification link was sent to walt@example.com' });
      const second = verificationLinkIn((await sink.nextMessage()).data);
      expect(second.search).not.toBe(first.search);
      await request(hub.url).get(`${first.pathname}${first.search}`).expect(400);

      await resend().expect(200);
      await resend().expect(200);
      const limited = await resend().expect(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(3500);
      await request(hub.url).get(`${second.pathname}${second.search}`).expect(400);
      const latest = verificationLinkIn(sink.messages[sink.messages.length - 1].data);
      await request(hub.url).get(`${latest.pathname}${latest.search}`).expect(200);
    });

    it('should answer bad verification tokens with 400', async () => {
      const unknown = await request(hub.url).get('/api/auth/verify-email?token=not-a-real-token').expect(400);
      expect(unknown.headers['x-error-code']).toBe('BadRequest');
      await request(hub.url).get('/api/auth/verify-email').expect(400);
    });
  });

  it('should say that verification is off when SMTP is not configured', async () => {
    const hub = await createTestHub({ env: { KOHAKU_HUB_BCRYPT_COST: '10' } });
    try {
      await registerRequest(hub, 'xena').expect(201);
      const session = await login(hub, 'xena');
      const response = await request(hub.url)
        .post('/api/auth/resend-verification')
        .set('Authorization', `Bearer ${session}`)
        .expect(400);
      expect(response.body.error).toBe('Email verification is off on this hub: no SMTP server is configured');
    } finally {
      await hub.close();
    }
  });
});
