import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule } from 'src/app.module';
import { buildOpenApiDocument } from 'src/common/http/openapi';
import { Env } from 'src/config/config-readers';
import { HubConfig } from 'src/config/hub-config';

export const LFS_MEDIA_TYPE = 'application/vnd.git-lfs+json';

/**
 * Express settings and body parsers. Parsers are chosen by content type, so bodies that must
 * stream (NDJSON commits, LFS object PUTs, git packs) are never buffered by them; JSON bodies,
 * including git-lfs's media type which Nest's default parser ignores, share one size limit.
 */
export function configureApp(app: NestExpressApplication, config: HubConfig): void {
  app.set('query parser', 'extended');
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.use(
    express.json({
      limit: config.maxJsonBodyBytes,
      type: ['application/json', 'application/*+json', LFS_MEDIA_TYPE],
    }),
  );
  app.use(express.urlencoded({ extended: true, limit: config.maxJsonBodyBytes, parameterLimit: 5000 }));
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}

export async function createHubApp(env?: Env): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env), {
    bodyParser: false,
    bufferLogs: true,
    // Fail by throwing, so the CLI and tests see the error instead of a silent process.exit.
    abortOnError: false,
  });
  configureApp(app, app.get(HubConfig));
  return app;
}
