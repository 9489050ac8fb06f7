import { Logger } from '@nestjs/common';
import { EmailVerificationEntity } from 'src/auth/email-verification.entity';
import { EmailVerificationRepository } from 'src/auth/email-verification.repository';
import { EmailVerificationService } from 'src/auth/email-verification.service';
import { Mailer } from 'src/auth/mailer';
import { RateLimiter } from 'src/auth/rate-limiter';
import { hashSecret } from 'src/auth/secrets';
import { UserEntity } from 'src/auth/user.entity';
import { UserRepository } from 'src/auth/user.repository';

describe(EmailVerificationService.name, () => {
  let verifications: jest.Mocked<EmailVerificationRepository>;
  let users: jest.Mocked<Pick<UserRepository, 'findById' | 'update'>>;
  let mailer: { isEnabled: boolean; send: jest.Mock };
  let rateLimiter: jest.Mocked<Pick<RateLimiter, 'consume'>>;
  let sut: EmailVerificationService;
  const recipient = { id: 5, username: 'vera', email: 'vera@example.com' };

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    verifications = {
      insert: jest.fn().mockResolvedValue(undefined),
      findByHash: jest.fn(),
      deleteForUser: jest.fn().mockResolvedValue(undefined),
    } as unknown as jest.Mocked<EmailVerificationRepository>;
    users = { findById: jest.fn(), update: jest.fn().mockResolvedValue(undefined) };
    mailer = { isEnabled: true, send: jest.fn().mockResolvedValue(undefined) };
    rateLimiter = { consume: jest.fn().mockResolvedValue(undefined) };
    sut = new EmailVerificationService(
      verifications,
      users as unknown as UserRepository,
      mailer as unknown as Mailer,
      rateLimiter as unknown as RateLimiter,
    );
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('should store only the hash of a 24-hour link and mail the link', async () => {
    await expect(sut.sendLink(recipient, 'https://hub.example')).resolves.toBe(true);
    expect(verifications.deleteForUser).toHaveBeenCalledWith(5);
    const stored = verifications.insert.mock.calls[0][0];
    const mail = mailer.send.mock.calls[0][0] as { to: string; text: string };
    const secret = /verify-email\?token=([\w-]+)/.exec(mail.text)?.[1] ?? '';
    expect(mail.to).toBe('vera@example.com');
    expect(mail.text).toContain(`https://hub.example/api/auth/verify-email?token=${secret}`);
    expect(stored).toEqual({
      userId: 5,
      email: 'vera@example.com',
      tokenHash: hashSecret(secret),
      expiresAt: expect.any(Date),
    });
    expect(stored.expiresAt.getTime() - Date.now()).toBeGreaterThan(24 * 3600_000 - 5000);
  });

  it('should not mail anything when SMTP is off, and report a failed send as not sent', async () => {
    mailer.isEnabled = false;
    await expect(sut.sendLink(recipient, 'http://hub')).resolves.toBe(false);
    expect(verifications.insert).not.toHaveBeenCalled();
    mailer.isEnabled = true;
    mailer.send.mockRejectedValue(new Error('connection refused'));
    await expect(sut.sendLink(recipient, 'http://hub')).resolves.toBe(false);
  });

  it('should verify a live link for the current address and consume it', async () => {
    verifications.findByHash.mockResolvedValue({
      userId: 5,
      email: 'vera@example.com',
      expiresAt: new Date(Date.now() + 60_000),
    } as EmailVerificationEntity);
    users.findById.mockResolvedValue({ id: 5, email: 'vera@example.com', isActive: true } as UserEntity);
    await expect(sut.verify('secret')).resolves.toEqual({ message: 'Email address vera@example.com verified' });
    expect(verifications.findByHash).toHaveBeenCalledWith(hashSecret('secret'));
    expect(users.update).toHaveBeenCalledWith(5, { emailVerified: true });
    expect(verifications.deleteForUser).toHaveBeenCalledWith(5);
  });

  it.each([
    ['an unknown link', null, { email: 'vera@example.com', isActive: true }],
    [
      'an expired link',
      { userId: 5, email: 'vera@example.com', expiresAt: new Date(Date.now() - 1) },
      { email: 'vera@example.com', isActive: true },
    ],
    [
      'a link for a former address',
      { userId: 5, email: 'old@example.com', expiresAt: new Date(Date.now() + 60_000) },
      { email: 'vera@example.com', isActive: true },
    ],
  ])('should refuse %s with 400', async (_label, row, user) => {
    verifications.findByHash.mockResolvedValue(row as EmailVerificationEntity | null);
    users.findById.mockResolvedValue({ id: 5, ...user } as UserEntity);
    await expect(sut.verify('secret')).rejects.toMatchObject({ status: 400 });
    expect(users.update).not.toHaveBeenCalled();
  });

  it('should resend under a per-account limit, and refuse when there is nothing to verify', async () => {
    users.findById.mockResolvedValue({ id: 5, username: 'vera', email: 'vera@example.com' } as UserEntity);
    await expect(sut.resend(5, 'http://hub')).resolves.toEqual({
      message: 'A new verification link was sent to vera@example.com',
    });
    expect(rateLimiter.consume).toHaveBeenCalledWith([{ key: 'verify-mail:user:5', limit: 3 }], {
      windowSeconds: 3600,
      what: 'verification emails',
    });
    users.findById.mockResolvedValue({ id: 5, email: 'vera@example.com', emailVerified: true } as UserEntity);
    await expect(sut.resend(5, 'http://hub')).rejects.toMatchObject({ status: 400 });
    mailer.send.mockRejectedValue(new Error('down'));
    users.findById.mockResolvedValue({ id: 5, email: 'vera@example.com', emailVerified: false } as UserEntity);
    await expect(sut.resend(5, 'http://hub')).rejects.toMatchObject({ status: 503 });
  });
});
