import { Module } from '@nestjs/common';
import { AuthModule } from 'src/auth/auth.module';
import { RepoAccess } from 'src/repo/repo-access';

/** Shares `RepoAccess` with every module that serves repositories (repo, commit, lfs, git). */
@Module({
  imports: [AuthModule],
  providers: [RepoAccess],
  exports: [RepoAccess],
})
export class RepoAccessModule {}
