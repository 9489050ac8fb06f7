import { Injectable, Logger } from '@nestjs/common';
import { MessageResponseDto } from 'src/auth/auth.dto';
import { EmailVerificationRepository } from 'src/auth/email-verification.repository';
import { Mailer } from 'src/auth/mailer';
import { RateLimiter } from 'src/auth/rate-limiter';
import { generateLinkSecret, hashSecret } from 'src/auth/secrets';
import { UserRepository } from 'src/auth/user.repository';
import { BadRequestError, ServiceUnavailableError } from 'src/common/errors/hub-error';

const LINK_TTL_MS = 24 * 3600 * 1000;
/** Resending is for a lost mail, not a mail cannon: a few per hour per account. */
const RESENDS_PER_HOUR = 3;
const INVALID_LINK_MESSAGE = 'This verification link is invalid or has expired; ask for a new one';

export interface VerificationRecipient {
  id: number;
  username: string;
  email: string | null;
}

/** Email verification links (off when SMTP is not configured: `emailVerified` then stays false and nothing requires it). */
@Injectable()
export class EmailVerificationService {
  private readonly logger = new Logger(EmailVerificationService.name);

  constructor(
    private readonly verifications: EmailVerificationRepository,
    private readonly users: UserRepository,
    private readonly mailer: Mailer,
    private readonly rateLimiter: RateLimiter,
  ) {}

  get isEnabled(): boolean {
    return this.mailer.isEnabled;
  }

  /**
   * Replaces any earlier link with a new one valid for 24 h and mails it. Resolves false when mail
   * is off or the SMTP server failed (logged), so registration never fails because of mail.
   */
  async sendLink(user: VerificationRecipient, publicBaseUrl: string): Promise<boolean> {
    if (!this.mailer.isEnabled || user.email === null) {
      return false;
    }
    const secret = generateLinkSecret();
    await this.verifications.deleteForUser(user.id);
    await this.verifications.insert({
      userId: user.id,
      email: user.email,
      tokenHash: hashSecret(secret),
      expiresAt: new Date(Date.now() + LINK_TTL_MS),
    });
    const link = `${publicBaseUrl}/api/auth/verify-email?token=${encodeURIComponent(secret)}`;
    try {
      await this.mailer.send({
        to: user.email,
        subject: 'Verify your email address for Kohaku Hub',
        text:
          `Hello ${user.username},\n\nopen this link to verify your email address:\n\n${link}\n\n` +
          'The link works for 24 hours. If you did not create an account, ignore this message.\n',
      });
      return true;
    } catch (error) {
      this.logger.warn(`Could not send the verification email for user ${user.id}: ${(error as Error).message}`);
      return false;
    }
  }

  /** Sends a new link to the caller, a few times per hour at most. */
  async resend(userId: number, publicBaseUrl: string): Promise<MessageResponseDto> {
    if (!this.mailer.isEnabled) {
      throw new BadRequestError('Email verification is off on this hub: no SMTP server is configured');
    }
    const user = await this.users.findById(userId);
    if (!user?.email) {
      throw new BadRequestError('Your account has no email address to verify');
    }
    if (user.emailVerified) {
      throw new BadRequestError('Your email address is already verified');
    }
    await this.rateLimiter.consume([{ key: `verify-mail:user:${user.id}`, limit: RESENDS_PER_HOUR }], {
      windowSeconds: 3600,
      what: 'verification emails',
    });
    if (!(await this.sendLink(user, publicBaseUrl))) {
      throw new ServiceUnavailableError('The verification email could not be sent; try again later');
    }
    return { message: `A new verification link was sent to ${user.email}` };
  }

  /** Marks the address verified when the link is live and still names the account's current email. */
  async verify(secret: string): Promise<MessageResponseDto> {
    const verification = await this.verifications.findByHash(hashSecret(secret));
    if (!verification || verification.expiresAt.getTime() <= Date.now()) {
      throw new BadRequestError(INVALID_LINK_MESSAGE);
    }
    const user = await this.users.findById(verification.userId);
    if (!user || !user.isActive || user.email !== verification.email) {
      throw new BadRequestError(INVALID_LINK_MESSAGE);
    }
    await this.users.update(user.id, { emailVerified: true });
    await this.verifications.deleteForUser(user.id);
    return { message: `Email address ${user.email} verified` };
  }
}
