import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from 'src/auth/auth.module';
import { RepoNameRegistry } from 'src/auth/repo-name-registry';
import { GitModule } from 'src/git/git.module';
import { RepoAccessModule } from 'src/repo/repo-access.module';
import { RepoNameLookup } from 'src/repo/repo-name-lookup';
import { RepoRedirectEntity } from 'src/repo/repo-redirect.entity';
import { RepoController } from 'src/repo/repo.controller';
import { RepoEntity } from 'src/repo/repo.entity';
import { RepoRepository } from 'src/repo/repo.repository';
import { RepoService } from 'src/repo/repo.service';

/**
 * Global only so that the name check endpoint of the auth module can reach `RepoNameRegistry`
 * without the auth module depending on this one (which depends on it).
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([RepoEntity, RepoRedirectEntity]), AuthModule, GitModule, RepoAccessModule],
  controllers: [RepoController],
  providers: [RepoRepository, RepoService, RepoNameLookup, { provide: RepoNameRegistry, useExisting: RepoNameLookup }],
  exports: [RepoService, RepoNameRegistry],
})
export class RepoModule {}
