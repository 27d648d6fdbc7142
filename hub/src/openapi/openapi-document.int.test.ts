import { readFileSync } from 'node:fs';
import { OPERATIONS } from '@flotilla/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_DOCUMENT_PATH, readServedOpenApiDocument } from '../testing/served-openapi-document.js';
import { startTestHub, type TestHub } from '../testing/start-test-hub.js';

interface Operation {
  operationId?: string;
  tags?: string[];
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: { $ref?: string } }> }>;
  security?: Array<Record<string, string[]>>;
}

describe('the OpenAPI document', () => {
  let hub: TestHub;
  let served: string;
  let document: { openapi: string; paths: Record<string, Record<string, Operation>>; components: Record<string, Record<string, unknown>> };
  const operations = () => Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method, operation })));

  beforeAll(async () => {
    hub = await startTestHub('sqlite');
    served = await readServedOpenApiDocument(hub.httpUrl);
    document = JSON.parse(served);
  });
  afterAll(() => hub?.stop());

  it('is the one committed in hub/openapi.json (run `pnpm openapi:generate` and commit)', () => {
    expect(served).toBe(readFileSync(OPENAPI_DOCUMENT_PATH, 'utf8'));
  });

  it('serves the page that shows it', async () => {
    const page = await fetch(`${hub.httpUrl}/api/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
  });

  it('documents every operation of the contract, each with its operationId and tag', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(operations().map(({ operation }) => operation.operationId).sort()).toEqual(Object.keys(OPERATIONS).sort());
    for (const { operation } of operations()) expect(operation.tags, operation.operationId).toHaveLength(1);
  });

  it('gives every operation its response schema, and its request schema when it takes a body', () => {
    const schemas = document.components.schemas as Record<string, unknown>;
    const refOf = (name: string) => `#/components/schemas/${name}`;
    for (const { operation } of operations()) {
      const success = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
      expect(success.length, operation.operationId).toBeGreaterThan(0);
      for (const [status, response] of success) {
        if (status === '204') continue;
        // JSON, or for the live feed (GET /api/v1/events) a stream of events, each `data:` one such schema.
        const ref = (response.content?.['application/json'] ?? response.content?.['text/event-stream'])?.schema.$ref;
        expect(ref, `${operation.operationId} ${status}`).toMatch(/^#\/components\/schemas\//);
        expect(Object.keys(schemas).map(refOf)).toContain(ref);
      }
    }
    expect(document.paths['/api/v1/clusters']?.post?.requestBody?.content['application/json']?.schema.$ref).toBe(refOf('CreateClusterRequest'));
    expect(document.paths['/api/v1/rollouts/{id}']?.get?.responses['200']?.content?.['application/json']?.schema.$ref).toBe(refOf('RolloutDetailView'));
    expect(schemas.RolloutView).toMatchObject({ required: expect.arrayContaining(['currentWave', 'waveCount', 'progress']) });
  });

  it('answers errors with the one error schema, and asks for the bearer token except on open routes', () => {
    const responses = document.components.responses as Record<string, { content: Record<string, { schema: { $ref: string } }> }>;
    for (const response of Object.values(responses)) expect(response.content['application/json']?.schema.$ref).toBe('#/components/schemas/Error');
    expect(document.components.schemas?.Error).toMatchObject({ properties: { error: { required: ['code', 'message'] } } });
    expect(document.components.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const { path, operation } of operations()) {
      const errors = Object.keys(operation.responses).filter((status) => /^[45]/.test(status));
      expect(errors, operation.operationId).toContain('500');
      const isOpen = path === '/healthz' || path === '/readyz' || path.startsWith('/api/v1/webhooks/');
      expect(operation.security, operation.operationId).toEqual(isOpen ? [] : [{ bearer: [] }]);
      if (!isOpen) expect(errors, operation.operationId).toEqual(expect.arrayContaining(['401', '403']));
    }
  });
});
