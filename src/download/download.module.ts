import { Module } from '@nestjs/common';
import { DownloadEvents } from 'src/download/download-events';
import { FileDownloadService } from 'src/download/file-download.service';
import { RepoFileLocator } from 'src/download/repo-file-locator';
import { ResolveController } from 'src/download/resolve.controller';
import { GitModule } from 'src/git/git.module';
import { LfsModule } from 'src/lfs/lfs.module';
import { RepoAccessModule } from 'src/repo/repo-access.module';

/**
 * Resolve and raw downloads. Exports `DownloadEvents` so that statistics can listen to downloads
 * without being called from the download path. `RepoService` comes from the global repo module.
 * Its `/{ns}/{name}/resolve/...` routes are the most generic ones, so it is listed after the
 * feature modules whose routes it could otherwise shadow.
 */
@Module({
  imports: [GitModule, LfsModule, RepoAccessModule],
  controllers: [ResolveController],
  providers: [RepoFileLocator, FileDownloadService, DownloadEvents],
  exports: [DownloadEvents],
})
export class DownloadModule {}
