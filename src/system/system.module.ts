import { Module } from '@nestjs/common';
import { GitModule } from 'src/git/git.module';
import { StorageModule } from 'src/storage/storage.module';
import { SystemController } from 'src/system/system.controller';
import { SystemService } from 'src/system/system.service';

@Module({
  imports: [StorageModule, GitModule],
  controllers: [SystemController],
  providers: [SystemService],
})
export class SystemModule {}
