import { Module } from '@nestjs/common';
import { GitModule } from 'src/git/git.module';
import { LfsModule } from 'src/lfs/lfs.module';
import { RepoInfoModule } from 'src/repo-info/repo-info.module';
import { CommitController } from 'src/commit/commit.controller';
import { CommitRecordRepository } from 'src/commit/commit-record.repository';
import { CommitService } from 'src/commit/commit.service';
import { PreuploadService } from 'src/commit/preupload.service';
import { RefsController } from 'src/commit/refs.controller';
import { RefsService } from 'src/commit/refs.service';
import { ValidateYamlController } from 'src/commit/validate-yaml.controller';
import { YamlValidationService } from 'src/commit/yaml-validation.service';

/**
 * Writing versions through the HF API: preupload, NDJSON commits, branches, tags, squash, and the
 * commit and LFS-reference records. `RepoService` comes from the global repo module.
 */
@Module({
  imports: [GitModule, LfsModule, RepoInfoModule],
  controllers: [CommitController, RefsController, ValidateYamlController],
  providers: [CommitService, PreuploadService, RefsService, YamlValidationService, CommitRecordRepository],
  exports: [CommitService],
})
export class CommitModule {}
