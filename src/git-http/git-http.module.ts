import { Module } from '@nestjs/common';
import { CommitRecordRepository } from 'src/commit/commit-record.repository';
import { GitModule } from 'src/git/git.module';
import { GitServiceProcess } from 'src/git/git-service-process';
import { GitHttpController } from 'src/git-http/git-http.controller';
import { GitHttpService } from 'src/git-http/git-http.service';
import { GitPushService } from 'src/git-http/git-push.service';
import { PushHookServer } from 'src/git-http/push-hook-server';
import { PushQuotaPolicy, UnlimitedPushQuotaPolicy } from 'src/git-http/push-quota-policy';
import { LfsModule } from 'src/lfs/lfs.module';
import { RepoInfoModule } from 'src/repo-info/repo-info.module';

/**
 * git over HTTP: clone, fetch and push through `git upload-pack` / `git receive-pack`, behind the
 * hub's authentication and push policy. `RepoService` comes from the global repo module; pushed
 * commits are recorded with the commit module's record repository (a stateless class over the
 * shared data source, so one more instance here costs nothing). The quota issue replaces
 * `PushQuotaPolicy`'s binding.
 */
@Module({
  imports: [GitModule, LfsModule, RepoInfoModule],
  controllers: [GitHttpController],
  providers: [
    GitServiceProcess,
    PushHookServer,
    GitHttpService,
    GitPushService,
    CommitRecordRepository,
    { provide: PushQuotaPolicy, useClass: UnlimitedPushQuotaPolicy },
  ],
})
export class GitHttpModule {}
