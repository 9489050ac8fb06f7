import { Injectable } from '@nestjs/common';
import { RegistrationInvitations } from 'src/auth/registration-gate';
import { InvitationsService } from 'src/org/invitations.service';

/** Lets the registration gate of AuthModule check and redeem account invitations. */
@Injectable()
export class InvitationRegistrations extends RegistrationInvitations {
  constructor(private readonly invitations: InvitationsService) {
    super();
  }

  check(token: string, email: string): Promise<void> {
    return this.invitations.checkForRegistration(token, email);
  }

  async redeem(token: string, email: string, userId: number): Promise<void> {
    const grant = await this.invitations.redeemForRegistration(token, email);
    await this.invitations.joinAfterRegistration(userId, grant);
  }
}
