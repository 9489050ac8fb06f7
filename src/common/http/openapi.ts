import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { APP_INFO } from 'src/system/app-info';

/** Controller method names are the operation ids, so they must be unique verb-first API names. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(`${APP_INFO.name} API`)
    .setDescription(
      'Hugging-Face-compatible hub API. Auth levels follow the seed legend: `x-hub-auth` is `none` (✗), `optional` (○) or `required` (✓).',
    )
    .setVersion(APP_INFO.version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API token (hf_…) or session JWT' })
    .addCookieAuth('kohaku_session')
    .build();
  return SwaggerModule.createDocument(app, config, { operationIdFactory: (_controller, method) => method });
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, inner]) => [
          key,
          key === 'required' && Array.isArray(inner) ? [...(inner as string[])].sort() : sortKeys(inner),
        ]),
    );
  }
  return value;
}

/** A stable rendering (sorted keys and `required` lists) so the committed file only changes with the API. */
export function serializeOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(sortKeys(document), null, 2)}\n`;
}
