import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LfsBatchController } from 'src/lfs/lfs-batch.controller';
import { LfsBatchService } from 'src/lfs/lfs-batch.service';
import { LfsObjectEntity } from 'src/lfs/lfs-object.entity';
import { LfsObjectRepository } from 'src/lfs/lfs-object.repository';
import { LfsService } from 'src/lfs/lfs.service';
import { LfsStagedObjects } from 'src/lfs/lfs-staged-objects';
import { LfsTransferController } from 'src/lfs/lfs-transfer.controller';
import { LfsTransferPolicy } from 'src/lfs/lfs-transfer-policy';
import { LfsTransferService } from 'src/lfs/lfs-transfer.service';
import { LfsUploadService } from 'src/lfs/lfs-upload.service';
import { LfsUploadSessionEntity } from 'src/lfs/lfs-upload-session.entity';
import { LfsUploadSessionRepository } from 'src/lfs/lfs-upload-session.repository';
import { LfsUploadSweeper } from 'src/lfs/lfs-upload-sweeper';
import { LfsUrls } from 'src/lfs/lfs-urls';
import { LfsLocksController } from 'src/lfs/locks.controller';
import { LfsLockEntity } from 'src/lfs/locks.entity';
import { LfsLockRepository } from 'src/lfs/locks.repository';
import { LfsLocksService } from 'src/lfs/locks.service';
import { RepoAccessModule } from 'src/repo/repo-access.module';
import { Sha256Workers } from 'src/lfs/sha256-workers';
import { StorageModule } from 'src/storage/storage.module';

/**
 * The LFS object registry and the git-lfs API (batch, basic and HF multipart uploads, verify,
 * signed transfers). Other modules use `LfsService` only; `RepoService` comes from the global
 * repo module.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([LfsObjectEntity, LfsUploadSessionEntity, LfsLockEntity]),
    StorageModule,
    RepoAccessModule,
  ],
  controllers: [LfsBatchController, LfsTransferController, LfsLocksController],
  providers: [
    LfsObjectRepository,
    LfsUploadSessionRepository,
    LfsTransferPolicy,
    LfsUrls,
    LfsStagedObjects,
    LfsService,
    LfsUploadService,
    LfsBatchService,
    LfsTransferService,
    LfsUploadSweeper,
    Sha256Workers,
    LfsLockRepository,
    LfsLocksService,
  ],
  exports: [LfsService],
})
export class LfsModule {}
