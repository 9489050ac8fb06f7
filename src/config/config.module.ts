import { DynamicModule, Global, Module } from '@nestjs/common';
import { Env } from 'src/config/config-readers';
import { HubConfig, loadHubConfig } from 'src/config/hub-config';

@Global()
@Module({})
export class ConfigModule {
  /** `env` defaults to the process environment; tests pass their own. */
  static forRoot(env: Env = process.env): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: HubConfig, useFactory: () => loadHubConfig(env) }],
      exports: [HubConfig],
    };
  }
}
