import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export const API_KEY_SCHEME = 'apiKey';

/** OpenAPI from the DTOs and route decorators: UI at /docs, JSON at /docs-json (both open). */
export function setupSwagger(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('delayed-action-service admin API')
    .setDescription(
      'Jobs (create, list, pause, resume, reschedule, run now, run history) and trigger previews. ' +
        'Every /v1 route needs an x-api-key header; errors are application/problem+json.',
    )
    .setVersion('1')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key' }, API_KEY_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
