import { NestFactory } from '@nestjs/core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule } from 'src/app.module';
import { buildOpenApiDocument, serializeOpenApiDocument } from 'src/common/http/openapi';

/**
 * `npm run openapi`: writes openapi/openapi.json from the built app. Preview mode constructs no
 * provider, so no database, storage or git is needed.
 */
async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule.forRoot({}), { preview: true, logger: false });
  const document = buildOpenApiDocument(app);
  const target = join(process.cwd(), 'openapi', 'openapi.json');
  mkdirSync(join(process.cwd(), 'openapi'), { recursive: true });
  writeFileSync(target, serializeOpenApiDocument(document));
  await app.close();
  console.log(`Wrote ${target}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
