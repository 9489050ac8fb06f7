import { Injectable } from '@nestjs/common';
import { AuthUser } from 'src/common/auth-user';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from 'src/common/errors/hub-error';
import { EmailVerificationService } from 'src/auth/email-verification.service';
import { UpdateUserSettingsDto, UserSettingsResponseDto } from 'src/auth/user-settings.dto';
import { UserSettingsChanges, UserSettingsRepository } from 'src/auth/user-settings.repository';
import { NamespaceOwner, UsersService } from 'src/auth/users.service';

export class EmailInUseError extends ConflictError {
  constructor() {
    super('This email address is already used by another account');
  }
}

/** `undefined` leaves a field alone; an empty string clears it. */
function clearable(value: string | null | undefined): string | null | undefined {
  return value === undefined ? undefined : value === null || value.trim() === '' ? null : value;
}

@Injectable()
export class UserSettingsService {
  constructor(
    private readonly users: UsersService,
    private readonly settings: UserSettingsRepository,
    private readonly emailVerification: EmailVerificationService,
  ) {}

  /**
   * Changes a user's profile; only the user themself or a site administrator may. A new email
   * address is unverified until the link mailed to it (when SMTP is configured) is opened;
   * `publicBaseUrl` is where that link points.
   */
  async updateSettings(
    caller: AuthUser,
    username: string,
    dto: UpdateUserSettingsDto,
    publicBaseUrl: string,
  ): Promise<UserSettingsResponseDto> {
    const owner = await this.users.getUserByName(username);
    if (owner.id !== caller.id && !caller.isAdmin) {
      throw new ForbiddenError('You can only change your own settings');
    }
    const changes = await this.collectChanges(owner, dto);
    if (Object.keys(changes).length > 0 && !(await this.settings.update(owner.id, changes))) {
      throw new EmailInUseError();
    }
    const user = await this.settings.findById(owner.id);
    if (!user) {
      throw new NotFoundError(`User not found: ${username}`);
    }
    const isVerificationSent =
      changes.email !== undefined &&
      (await this.emailVerification.sendLink(
        { id: user.id, username: user.username, email: user.email },
        publicBaseUrl,
      ));
    return {
      success: true,
      message: 'User settings updated successfully',
      username: user.username,
      full_name: user.fullName,
      bio: user.bio,
      website: user.website,
      email: user.email,
      email_verified: user.emailVerified,
      email_verification_sent: isVerificationSent,
    };
  }

  /** The columns to write: only fields that were sent, and the email only when it really changes. */
  private async collectChanges(owner: NamespaceOwner, dto: UpdateUserSettingsDto): Promise<UserSettingsChanges> {
    const changes: UserSettingsChanges = {};
    const fullName = clearable(this.pickFullName(dto));
    if (fullName !== undefined) {
      changes.fullName = fullName;
    }
    const bio = clearable(dto.bio);
    if (bio !== undefined) {
      changes.bio = bio;
    }
    const website = clearable(dto.website);
    if (website !== undefined) {
      changes.website = website;
    }
    if (dto.email !== undefined) {
      const email = dto.email.toLowerCase();
      if (email !== owner.email) {
        const holder = await this.settings.findByEmail(email);
        if (holder && holder.id !== owner.id) {
          throw new EmailInUseError();
        }
        changes.email = email;
        changes.emailVerified = false;
      }
    }
    return changes;
  }

  private pickFullName(dto: UpdateUserSettingsDto): string | null | undefined {
    if (dto.full_name !== undefined && dto.fullName !== undefined && dto.full_name !== dto.fullName) {
      throw new BadRequestError('full_name and fullName were both sent with different values; send one of them');
    }
    return dto.full_name !== undefined ? dto.full_name : dto.fullName;
  }
}
