import { Logger } from '@nestjs/common';
import { Mailer } from 'src/auth/mailer';
import { HubConfig } from 'src/config/hub-config';

describe(Mailer.name, () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('should warn once at boot that verification is off when SMTP is not configured', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const sut = new Mailer({} as HubConfig);
    expect(sut.isEnabled).toBe(false);
    sut.onApplicationBootstrap();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith('SMTP is not configured (KOHAKU_HUB_SMTP_HOST): email verification is off');
  });

  it('should refuse to send without SMTP', async () => {
    await expect(new Mailer({} as HubConfig).send({ to: 'a@b.c', subject: 's', text: 't' })).rejects.toThrow(
      'SMTP is not configured',
    );
  });

  it('should be enabled and quiet when SMTP is configured', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const sut = new Mailer({
      smtp: { host: '127.0.0.1', port: 2525, secure: false, from: 'Hub <hub@example.com>' },
    } as HubConfig);
    sut.onApplicationBootstrap();
    expect(sut.isEnabled).toBe(true);
    expect(warn).not.toHaveBeenCalled();
    sut.onModuleDestroy();
  });
});
