import { Injectable, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ForbiddenError } from 'src/common/errors/hub-error';
import { HubConfig } from 'src/config/hub-config';

export interface RegistrationRequest {
  invitationToken?: string;
  email: string;
}

/**
 * Decides whether a self-registration may happen. `AuthModule` binds the mode-only default below,
 * which hands invitation tokens to `RegistrationInvitations` when a module provides one.
 */
export abstract class RegistrationGate {
  /** Throws (403) when this registration may not happen. */
  abstract assertCanRegister(input: RegistrationRequest): Promise<void>;

  /** Runs once the account exists; a throw here undoes the registration. */
  abstract afterRegistered(input: RegistrationRequest & { userId: number }): Promise<void>;
}

/**
 * Checks and redeems account invitations; `OrgModule` provides it. AuthModule cannot import the
 * module that imports it, so the gate looks it up at run time instead of injecting it.
 */
export abstract class RegistrationInvitations {
  /** Throws (403/410) unless `token` is a usable account invitation for `email`; uses nothing. */
  abstract check(token: string, email: string): Promise<void>;

  /** Takes one use atomically and grants what the invitation grants to the new account; throws when it is gone. */
  abstract redeem(token: string, email: string, userId: number): Promise<void>;
}

/**
 * The default gate: it applies `KOHAKU_HUB_REGISTRATION` and passes invitation tokens (outside
 * `closed` mode) to `RegistrationInvitations`. The use is taken in `afterRegistered`, so a
 * registration refused for another reason costs no use, and a registration that loses the race
 * for the last use is undone. Without `RegistrationInvitations`, `invitation` mode refuses everyone.
 */
@Injectable()
export class ModeRegistrationGate extends RegistrationGate {
  constructor(
    private readonly config: HubConfig,
    @Optional() private readonly moduleRef?: ModuleRef,
  ) {
    super();
  }

  assertCanRegister(input: RegistrationRequest): Promise<void> {
    switch (this.config.auth.registrationMode) {
      case 'open':
        return input.invitationToken ? this.checkInvitation(input.invitationToken, input.email) : Promise.resolve();
      case 'closed':
        return Promise.reject(
          new ForbiddenError('Registration is closed on this hub; ask an administrator to create your account'),
        );
      case 'invitation':
        return input.invitationToken
          ? this.checkInvitation(input.invitationToken, input.email)
          : Promise.reject(
              new ForbiddenError(
                'Registration on this hub needs an invitation: send the invitationToken from your invitation link',
              ),
            );
    }
  }

  afterRegistered(input?: RegistrationRequest & { userId: number }): Promise<void> {
    const invitations = this.invitations();
    if (!input?.invitationToken || !invitations || this.config.auth.registrationMode === 'closed') {
      return Promise.resolve();
    }
    return invitations.redeem(input.invitationToken, input.email, input.userId);
  }

  private checkInvitation(token: string, email: string): Promise<void> {
    const invitations = this.invitations();
    if (!invitations) {
      return Promise.reject(
        new ForbiddenError(
          'Registration by invitation is not available on this hub yet; ask an administrator to create your account',
        ),
      );
    }
    return invitations.check(token, email);
  }

  private invitations(): RegistrationInvitations | undefined {
    try {
      return this.moduleRef?.get(RegistrationInvitations, { strict: false });
    } catch {
      return undefined;
    }
  }
}
