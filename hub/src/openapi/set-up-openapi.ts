import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { completeOpenApiDocument } from './complete-openapi-document.js';

/** Serves the OpenAPI 3.1 document of the REST API at /api/docs (UI) and /api/docs-json (hub/openapi.json is a copy). */
export function setUpOpenApi(app: INestApplication): void {
  const derived = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Flotilla hub')
      .setDescription(
        'Fleet operations: clusters, sources, apps, status, history, rollouts, drift, audit, tokens. Every error is `{ error: { code, message, details } }` (the Error schema). The types and a typed client are in the @flotilla/api package.',
      )
      .setVersion('v1')
      .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, completeOpenApiDocument(derived), { jsonDocumentUrl: 'api/docs-json' });
}
