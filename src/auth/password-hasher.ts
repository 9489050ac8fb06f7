import { Injectable } from '@nestjs/common';
import bcrypt from 'bcrypt';
import { randomBytes } from 'node:crypto';
import { BadRequestError } from 'src/common/errors/hub-error';
import { HubConfig } from 'src/config/hub-config';

export const PASSWORD_MIN_LENGTH = 8;
/** bcrypt ignores everything after 72 bytes, so longer passwords would be silently weaker than they look. */
export const PASSWORD_MAX_BYTES = 72;

/** Returns why a new password is unacceptable, or null when it is fine. */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return `must be at least ${PASSWORD_MIN_LENGTH} characters long`;
  }
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
    return `must be at most ${PASSWORD_MAX_BYTES} bytes long (UTF-8)`;
  }
  return null;
}

/** bcrypt with the configured cost. */
@Injectable()
export class PasswordHasher {
  /**
   * A hash of a random password at the configured cost: checking a login for an account that does
   * not exist compares against it, so that answer takes as long as a wrong password does.
   */
  private readonly dummyHash: Promise<string>;

  constructor(private readonly config: HubConfig) {
    this.dummyHash = bcrypt.hash(randomBytes(18).toString('base64'), config.auth.bcryptCost);
  }

  /** Hashes a new password; throws a 400 naming the rule it breaks. */
  async hash(password: string, field = 'Password'): Promise<string> {
    const problem = passwordProblem(password);
    if (problem) {
      throw new BadRequestError(`${field} ${problem}`);
    }
    return bcrypt.hash(password, this.config.auth.bcryptCost);
  }

  /** True when `password` matches `hash`; with no hash it still spends the time of one comparison. */
  async verify(password: string, hash: string | null | undefined): Promise<boolean> {
    if (!hash) {
      await bcrypt.compare(password, await this.dummyHash);
      return false;
    }
    return bcrypt.compare(password, hash);
  }
}
