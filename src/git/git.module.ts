import { Module, OnModuleInit } from '@nestjs/common';
import { CatFilePool } from 'src/git/cat-file-pool';
import { GitObjectCache } from 'src/git/git-object-cache';
import { GitProcess } from 'src/git/git-process';
import { GitRepoStore } from 'src/git/git-repo-store';

/**
 * The git adapter: process runner, repository store and cat-file pool. Boot fails with a clear
 * message when git is missing or too old, before anything tries to use a repository.
 */
@Module({
  providers: [GitProcess, CatFilePool, GitObjectCache, GitRepoStore],
  exports: [GitProcess, CatFilePool, GitRepoStore],
})
export class GitModule implements OnModuleInit {
  constructor(
    private readonly gitProcess: GitProcess,
    private readonly store: GitRepoStore,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.gitProcess.assertGitVersion();
    await this.store.prepare();
  }
}
