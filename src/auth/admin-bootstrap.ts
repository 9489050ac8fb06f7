import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AccountsService } from 'src/auth/accounts.service';
import { HubConfig } from 'src/config/hub-config';

/**
 * Creates or updates the first administrator from `KOHAKU_HUB_ADMIN_*` at every boot (migrations
 * have run by then: the data source applies them before any module starts). A failure stops the
 * boot with a message naming the variables, never the password.
 */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrap.name);

  constructor(
    private readonly accounts: AccountsService,
    private readonly config: HubConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.auth.admin;
    if (admin === undefined) {
      return;
    }
    try {
      const user = await this.accounts.ensureAdministrator(admin);
      this.logger.log(`Administrator "${user.username}" is ready`);
    } catch (error) {
      throw new Error(
        `The first administrator (KOHAKU_HUB_ADMIN_USERNAME/_EMAIL/_PASSWORD) could not be set up: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
}
