import { ModuleRef } from '@nestjs/core';
import { ModeRegistrationGate, RegistrationInvitations } from 'src/auth/registration-gate';
import { ForbiddenError } from 'src/common/errors/hub-error';
import { HubConfig, RegistrationMode } from 'src/config/hub-config';
import { InvitationRegistrations } from 'src/org/invitation-registrations';
import { InvitationsService } from 'src/org/invitations.service';

describe(InvitationRegistrations.name, () => {
  let sut: InvitationRegistrations;
  let service: jest.Mocked<
    Pick<InvitationsService, 'checkForRegistration' | 'redeemForRegistration' | 'joinAfterRegistration'>
  >;

  beforeEach(() => {
    service = {
      checkForRegistration: jest.fn().mockResolvedValue(undefined),
      redeemForRegistration: jest.fn().mockResolvedValue({ orgId: 100, role: 'write' }),
      joinAfterRegistration: jest.fn().mockResolvedValue(undefined),
    };
    sut = new InvitationRegistrations(service as unknown as InvitationsService);
  });

  it('should check without redeeming', async () => {
    await sut.check('tok', 'a@example.com');
    expect(service.checkForRegistration).toHaveBeenCalledWith('tok', 'a@example.com');
    expect(service.redeemForRegistration).not.toHaveBeenCalled();
  });

  it('should redeem and then join the granted organisation', async () => {
    await sut.redeem('tok', 'a@example.com', 12);
    expect(service.redeemForRegistration).toHaveBeenCalledWith('tok', 'a@example.com');
    expect(service.joinAfterRegistration).toHaveBeenCalledWith(12, { orgId: 100, role: 'write' });
  });

  it('should not join anything when the redemption fails', async () => {
    service.redeemForRegistration.mockRejectedValue(new ForbiddenError('nope'));
    await expect(sut.redeem('tok', 'a@example.com', 12)).rejects.toBeInstanceOf(ForbiddenError);
    expect(service.joinAfterRegistration).not.toHaveBeenCalled();
  });
});

describe(`${ModeRegistrationGate.name} with invitations`, () => {
  let invitations: jest.Mocked<RegistrationInvitations>;

  function gateFor(registrationMode: RegistrationMode): ModeRegistrationGate {
    const moduleRef = { get: jest.fn().mockReturnValue(invitations) } as unknown as ModuleRef;
    return new ModeRegistrationGate({ auth: { registrationMode } } as HubConfig, moduleRef);
  }

  beforeEach(() => {
    invitations = { check: jest.fn().mockResolvedValue(undefined), redeem: jest.fn().mockResolvedValue(undefined) };
  });

  it('should check the token before and redeem it after the registration in invitation mode', async () => {
    const sut = gateFor('invitation');
    await sut.assertCanRegister({ email: 'a@example.com', invitationToken: 'tok' });
    expect(invitations.check).toHaveBeenCalledWith('tok', 'a@example.com');
    expect(invitations.redeem).not.toHaveBeenCalled();
    await sut.afterRegistered({ email: 'a@example.com', invitationToken: 'tok', userId: 5 });
    expect(invitations.redeem).toHaveBeenCalledWith('tok', 'a@example.com', 5);
  });

  it('should still ask for a token in invitation mode', async () => {
    await expect(gateFor('invitation').assertCanRegister({ email: 'a@example.com' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect(invitations.check).not.toHaveBeenCalled();
  });

  it('should honour a token in open mode and need none', async () => {
    const sut = gateFor('open');
    await sut.assertCanRegister({ email: 'a@example.com' });
    await sut.afterRegistered({ email: 'a@example.com', userId: 5 });
    expect(invitations.check).not.toHaveBeenCalled();
    expect(invitations.redeem).not.toHaveBeenCalled();
    await sut.assertCanRegister({ email: 'a@example.com', invitationToken: 'tok' });
    await sut.afterRegistered({ email: 'a@example.com', invitationToken: 'tok', userId: 5 });
    expect(invitations.redeem).toHaveBeenCalledWith('tok', 'a@example.com', 5);
  });

  it('should refuse everyone in closed mode, token or not', async () => {
    await expect(
      gateFor('closed').assertCanRegister({ email: 'a@example.com', invitationToken: 'tok' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(invitations.check).not.toHaveBeenCalled();
  });
});
