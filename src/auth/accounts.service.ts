import { Injectable } from '@nestjs/common';
import { isEmail } from 'class-validator';
import { AccountDto, RegisterDto, RegisterResponseDto, toAccountDto } from 'src/auth/auth.dto';
import { EmailVerificationService } from 'src/auth/email-verification.service';
import { normalizeName, RESERVED_NAMES } from 'src/auth/names';
import { PasswordHasher, passwordProblem } from 'src/auth/password-hasher';
import { RegistrationGate } from 'src/auth/registration-gate';
import { UserEntity } from 'src/auth/user.entity';
import { UserRepository } from 'src/auth/user.repository';
import { UsersService } from 'src/auth/users.service';
import { BadRequestError, ConflictError, NotFoundError } from 'src/common/errors/hub-error';
import { AdminBootstrapConfig } from 'src/config/hub-config';

const EMAIL_MAX_LENGTH = 320;

export interface NewAccount {
  username: string;
  email: string;
  password: string;
  isAdmin?: boolean;
}

/** Accounts of people: registration, creation by an operator (CLI, first administrator) and the profile of the caller. */
@Injectable()
export class AccountsService {
  constructor(
    private readonly users: UserRepository,
    private readonly usersService: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly registrationGate: RegistrationGate,
    private readonly emailVerification: EmailVerificationService,
  ) {}

  /** Self-registration under the hub's registration mode; mails a verification link when SMTP is configured. */
  async register(input: RegisterDto, publicBaseUrl: string): Promise<RegisterResponseDto> {
    const request = { invitationToken: input.invitationToken, email: input.email };
    await this.registrationGate.assertCanRegister(request);
    const user = await this.createAccount(input);
    try {
      await this.registrationGate.afterRegistered({ ...request, userId: user.id });
    } catch (error) {
      await this.users.delete(user.id);
      throw error;
    }
    const emailVerificationSent = await this.emailVerification.sendLink(user, publicBaseUrl);
    return { user: toAccountDto(user), emailVerificationSent };
  }

  /** Creates an account whatever the registration mode (operators: CLI). Name, email and password rules still apply. */
  createAccount(input: NewAccount): Promise<UserEntity> {
    return this.insertAccount(input, false);
  }

  async getAccount(userId: number): Promise<AccountDto> {
    const user = await this.users.findById(userId);
    if (!user) {
      throw new NotFoundError(`User not found: ${userId}`);
    }
    return toAccountDto(user);
  }

  /**
   * Makes the configured first administrator exist with the configured password and email, active
   * and admin. The operator chose the name, so reserved words (the usual "admin") are accepted.
   * The password is re-hashed only when it changed, so restarts leave sessions and hashes alone.
   */
  async ensureAdministrator(admin: AdminBootstrapConfig): Promise<UserEntity> {
    const existing = await this.users.findByName(admin.username);
    if (!existing) {
      return this.insertAccount({ ...admin, isAdmin: true }, true);
    }
    if (existing.isOrg) {
      throw new ConflictError(`KOHAKU_HUB_ADMIN_USERNAME "${admin.username}" is the name of an organization`);
    }
    const email = admin.email.trim().toLowerCase();
    await this.assertEmailUsable(email, existing.id);
    const changes: Partial<UserEntity> = { isAdmin: true, isActive: true };
    if (existing.email !== email) {
      Object.assign(changes, { email, emailVerified: false });
    }
    if (!(await this.hasher.verify(admin.password, existing.passwordHash))) {
      Object.assign(changes, { passwordHash: await this.hasher.hash(admin.password), passwordChangedAt: new Date() });
    }
    await this.users.update(existing.id, changes);
    return { ...existing, ...changes };
  }

  private async insertAccount(input: NewAccount, allowReservedName: boolean): Promise<UserEntity> {
    const username = input.username.trim();
    const email = input.email.trim().toLowerCase();
    const checkUnique = async (): Promise<void> => {
      await this.assertUsernameUsable(username, allowReservedName);
      await this.assertEmailUsable(email);
    };
    await checkUnique();
    const problem = passwordProblem(input.password);
    if (problem) {
      throw new BadRequestError(`Password ${problem}`);
    }
    const passwordHash = await this.hasher.hash(input.password);
    try {
      return await this.users.insert({
        username,
        email,
        passwordHash,
        isAdmin: input.isAdmin ?? false,
        isActive: true,
        emailVerified: false,
      });
    } catch (error) {
      // Another request took the name or email between the checks and the insert: say which.
      await checkUnique();
      throw error;
    }
  }

  private async assertUsernameUsable(username: string, allowReservedName: boolean): Promise<void> {
    if (!(allowReservedName && RESERVED_NAMES.has(normalizeName(username)))) {
      await this.usersService.assertNameAvailable(username);
      return;
    }
    if (await this.users.findByName(username)) {
      throw new ConflictError(`Name "${username}" is already taken`);
    }
  }

  private async assertEmailUsable(email: string, ownerId?: number): Promise<void> {
    if (email.length > EMAIL_MAX_LENGTH || !isEmail(email)) {
      throw new BadRequestError(`"${email}" is not a valid email address`);
    }
    const owner = await this.users.findByEmail(email);
    if (owner && owner.id !== ownerId) {
      throw new ConflictError(`The email address ${email} is already registered`);
    }
  }
}
