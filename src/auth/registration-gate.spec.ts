import { ModuleRef } from '@nestjs/core';
import { ModeRegistrationGate, RegistrationInvitations } from 'src/auth/registration-gate';
import { HubConfig, RegistrationMode } from 'src/config/hub-config';

function gateFor(registrationMode: RegistrationMode): ModeRegistrationGate {
  return new ModeRegistrationGate({ auth: { registrationMode } } as HubConfig);
}

describe(ModeRegistrationGate.name, () => {
  it('should let anyone register in open mode', async () => {
    await expect(gateFor('open').assertCanRegister({ email: 'a@example.com' })).resolves.toBeUndefined();
  });

  it('should refuse everyone in closed mode', async () => {
    await expect(
      gateFor('closed').assertCanRegister({ email: 'a@example.com', invitationToken: 'x' }),
    ).rejects.toMatchObject({ status: 403, code: 'Forbidden', message: expect.stringContaining('closed') });
  });

  it('should ask for an invitation in invitation mode, and refuse tokens it cannot check', async () => {
    const sut = gateFor('invitation');
    await expect(sut.assertCanRegister({ email: 'a@example.com' })).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('needs an invitation'),
    });
    await expect(sut.assertCanRegister({ email: 'a@example.com', invitationToken: 'x' })).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('not available'),
    });
  });

  it('should do nothing after a registration', async () => {
    await expect(gateFor('open').afterRegistered()).resolves.toBeUndefined();
  });

  describe('with a module providing RegistrationInvitations', () => {
    let invitations: jest.Mocked<RegistrationInvitations>;

    function gateWithInvitations(registrationMode: RegistrationMode): ModeRegistrationGate {
      const moduleRef = { get: jest.fn().mockReturnValue(invitations) } as unknown as ModuleRef;
      return new ModeRegistrationGate({ auth: { registrationMode } } as HubConfig, moduleRef);
    }

    beforeEach(() => {
      invitations = { check: jest.fn().mockResolvedValue(undefined), redeem: jest.fn().mockResolvedValue(undefined) };
    });

    it('should check the invitation before and redeem it after the registration', async () => {
      const sut = gateWithInvitations('invitation');
      await sut.assertCanRegister({ email: 'a@example.com', invitationToken: 'inv' });
      expect(invitations.check).toHaveBeenCalledWith('inv', 'a@example.com');
      expect(invitations.redeem).not.toHaveBeenCalled();
      await sut.afterRegistered({ email: 'a@example.com', invitationToken: 'inv', userId: 4 });
      expect(invitations.redeem).toHaveBeenCalledWith('inv', 'a@example.com', 4);
    });

    it('should pass on a refused invitation', async () => {
      invitations.check.mockRejectedValue(new Error('expired'));
      await expect(
        gateWithInvitations('invitation').assertCanRegister({ email: 'a@example.com', invitationToken: 'inv' }),
      ).rejects.toThrow('expired');
    });

    it('should ignore invitations in closed mode', async () => {
      const sut = gateWithInvitations('closed');
      await expect(sut.assertCanRegister({ email: 'a@example.com', invitationToken: 'inv' })).rejects.toMatchObject({
        status: 403,
      });
      await sut.afterRegistered({ email: 'a@example.com', invitationToken: 'inv', userId: 4 });
      expect(invitations.check).not.toHaveBeenCalled();
      expect(invitations.redeem).not.toHaveBeenCalled();
    });
  });
});
