import { DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from 'src/auth/auth.module';
import { BrowseModule } from 'src/browse/browse.module';
import { CommitModule } from 'src/commit/commit.module';
import { buildHttpLoggerOptions } from 'src/common/http/logging';
import { HubExceptionFilter } from 'src/common/errors/hub-exception.filter';
import { ConfigModule } from 'src/config/config.module';
import { Env } from 'src/config/config-readers';
import { HubConfig } from 'src/config/hub-config';
import { DatabaseModule } from 'src/database/database.module';
import { DownloadModule } from 'src/download/download.module';
import { GitModule } from 'src/git/git.module';
import { GitHttpModule } from 'src/git-http/git-http.module';
import { LfsModule } from 'src/lfs/lfs.module';
import { OrgModule } from 'src/org/org.module';
import { RepoModule } from 'src/repo/repo.module';
import { RepoInfoModule } from 'src/repo-info/repo-info.module';
import { StorageModule } from 'src/storage/storage.module';
import { SystemModule } from 'src/system/system.module';

@Module({})
export class AppModule {
  /** `env` replaces the process environment (tests); by default the process environment is read. */
  static forRoot(env?: Env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(env),
        LoggerModule.forRootAsync({
          inject: [HubConfig],
          useFactory: (config: HubConfig) => ({ pinoHttp: buildHttpLoggerOptions(config.logLevel) }),
        }),
        DatabaseModule,
        StorageModule,
        GitModule,
        AuthModule,
        OrgModule,
        RepoModule,
        SystemModule,
        LfsModule,
        CommitModule,
        RepoInfoModule,
        BrowseModule,
        DownloadModule,
        GitHttpModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: HubExceptionFilter },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({ whitelist: true, transform: true, forbidUnknownValues: false }),
        },
      ],
    };
  }
}
