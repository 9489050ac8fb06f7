import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import { HubConfig } from 'src/config/hub-config';
import { buildDataSourceOptions } from 'src/database/data-source-options';
import { runMigrationsLocked } from 'src/database/migrations-runner';

/** Opens the one data source and brings the schema up to date before any module uses it. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [HubConfig],
      useFactory: (config: HubConfig) => buildDataSourceOptions(config.database),
      dataSourceFactory: async (options) => {
        if (!options) {
          throw new Error('Database options are missing');
        }
        if (options.type === 'better-sqlite3' && options.database !== ':memory:') {
          mkdirSync(dirname(options.database), { recursive: true });
        }
        const dataSource = await new DataSource(options).initialize();
        await runMigrationsLocked(dataSource);
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}
