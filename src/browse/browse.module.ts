import { Module } from '@nestjs/common';
import { GitModule } from 'src/git/git.module';
import { BrowseController } from 'src/browse/browse.controller';
import { CommitAuthorsRepository } from 'src/browse/commit-authors.repository';
import { HistoryService } from 'src/browse/history.service';
import { TreeService } from 'src/browse/tree.service';

/**
 * Reading versions through the HF API: tree listings, paths-info, refs and commit history.
 * `RepoService` comes from the global repo module; nothing here writes.
 */
@Module({
  imports: [GitModule],
  controllers: [BrowseController],
  providers: [TreeService, HistoryService, CommitAuthorsRepository],
})
export class BrowseModule {}
