import { DynamicModule, Global, Module } from '@nestjs/common';
import { Env } from 'src/config/config-readers';
import { HubConfig, loadHubConfig } from 'src/config/hub-config';
import { readProcessEnv } from 'src/config/process-env';

@Global()
@Module({})
export class ConfigModule {
  /** `env` defaults to the process environment; tests pass their own. */
  static forRoot(env: Env = readProcessEnv()): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: HubConfig, useFactory: () => loadHubConfig(env) }],
      exports: [HubConfig],
    };
  }
}
