import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from 'src/auth/auth.module';
import { GitModule } from 'src/git/git.module';
import { RepoEntity } from 'src/repo/repo.entity';
import { RepoCardIndexer } from 'src/repo-info/repo-card-indexer';
import { RepoIndexRepository } from 'src/repo-info/repo-index.repository';
import { RepoInfoController } from 'src/repo-info/repo-info.controller';
import { RepoInfoService } from 'src/repo-info/repo-info.service';
import { RepoListingService } from 'src/repo-info/repo-listing.service';
import { RepoSnapshotReader } from 'src/repo-info/repo-snapshot';
import { RepoTagEntity } from 'src/repo-info/repo-tag.entity';

/**
 * The read side of repositories: repo info, listings and the card index they rest on. It is part of
 * the repository domain (it shares the `repos` table, whose index columns only it writes);
 * `RepoService` comes from the global repo module. Whatever moves a default branch (commits, git
 * pushes) calls the exported `RepoCardIndexer.refresh`.
 */
@Module({
  imports: [TypeOrmModule.forFeature([RepoEntity, RepoTagEntity]), AuthModule, GitModule],
  controllers: [RepoInfoController],
  providers: [RepoSnapshotReader, RepoIndexRepository, RepoCardIndexer, RepoInfoService, RepoListingService],
  exports: [RepoCardIndexer],
})
export class RepoInfoModule {}
