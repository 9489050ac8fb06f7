import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ServiceUnavailableError } from 'src/common/errors/hub-error';
import { GitRepoStore } from 'src/git/git-repo-store';
import { BlobStorage } from 'src/storage/blob-storage';
import { APP_INFO } from 'src/system/app-info';
import { HealthChecksDto, HealthResponseDto, RootResponseDto, VersionResponseDto } from 'src/system/system.dto';

@Injectable()
export class SystemService {
  private readonly logger = new Logger(SystemService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly storage: BlobStorage,
    private readonly gitStore: GitRepoStore,
  ) {}

  getRoot(): RootResponseDto {
    return {
      name: APP_INFO.name,
      version: APP_INFO.version,
      description: APP_INFO.description,
      docs: '/docs',
      openapi: '/docs-json',
      health: '/health',
    };
  }

  getVersion(): VersionResponseDto {
    return { api: 'kohakuhub', name: APP_INFO.name, version: APP_INFO.version, compatibility: 'huggingface_hub' };
  }

  /** Checks each dependency independently; any failure answers 503 naming the failing part. */
  async getHealth(): Promise<HealthResponseDto> {
    const [database, storage, git] = await Promise.all([
      this.probe('database', () => this.dataSource.query('SELECT 1')),
      this.probe('storage', () => this.storage.healthCheck()),
      this.probe('git', async () => {
        const health = await this.gitStore.healthCheck();
        if (!health.isHealthy) {
          throw new Error(health.message ?? 'git is unhealthy');
        }
      }),
    ]);
    const checks: HealthChecksDto = { database, storage, git };
    const failed = Object.entries(checks)
      .filter(([, state]) => state === 'failed')
      .map(([name]) => name);
    if (failed.length > 0) {
      throw new ServiceUnavailableError(`Unhealthy: ${failed.join(', ')}`, { body: { status: 'failed', checks } });
    }
    return { status: 'ok', checks };
  }

  private async probe(name: string, check: () => Promise<unknown>): Promise<'ok' | 'failed'> {
    try {
      await check();
      return 'ok';
    } catch (error) {
      this.logger.warn(`Health check of ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      return 'failed';
    }
  }
}
