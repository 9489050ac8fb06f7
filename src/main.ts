import { createHubApp } from 'src/app.setup';
import { ConfigError } from 'src/config/config-readers';
import { HubConfig } from 'src/config/hub-config';

async function bootstrap(): Promise<void> {
  const app = await createHubApp();
  const config = app.get(HubConfig);
  await app.listen(config.port, config.host);
  const shownHost = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  console.log(`Kohaku Hub listening on http://${shownHost}:${config.port} (docs at /docs, data in ${config.dataDir})`);
}

bootstrap().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error);
  console.error(`Kohaku Hub failed to start: ${message}`);
  process.exit(1);
});
