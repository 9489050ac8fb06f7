import { DataSource } from 'typeorm';
import { loadHubConfig } from 'src/config/hub-config';
import { readProcessEnv } from 'src/config/process-env';
import { buildDataSourceOptions } from 'src/database/data-source-options';
import { pendingSchemaChanges, runMigrationsLocked } from 'src/database/migrations-runner';

/**
 * `npm run migration:run | revert | check` against the configured database.
 * `check` migrates first, then fails (exit 1) if the entities want schema changes no migration makes.
 */
type Command = 'run' | 'revert' | 'check';

function isCommand(value: string | undefined): value is Command {
  return value === 'run' || value === 'revert' || value === 'check';
}

async function main(command: string | undefined): Promise<number> {
  if (!isCommand(command)) {
    console.error('usage: migrate run | revert | check');
    return 2;
  }
  const config = loadHubConfig(readProcessEnv());
  const dataSource = await new DataSource(buildDataSourceOptions(config.database)).initialize();
  try {
    switch (command) {
      case 'run': {
        const applied = await runMigrationsLocked(dataSource);
        console.log(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}` : 'No pending migrations.');
        return 0;
      }
      case 'revert':
        await dataSource.undoLastMigration({ transaction: 'each' });
        console.log('Reverted the last migration.');
        return 0;
      case 'check': {
        await runMigrationsLocked(dataSource);
        const changes = await pendingSchemaChanges(dataSource);
        if (changes.length > 0) {
          console.error(`Entities and migrations disagree on ${config.database.type}; missing migration SQL:`);
          for (const change of changes) {
            console.error(`  ${change};`);
          }
          return 1;
        }
        console.log(`Schema matches the entities on ${config.database.type}.`);
        return 0;
      }
    }
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
