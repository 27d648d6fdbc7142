import { describe, expect, it } from 'vitest';
import { HubApiClient } from '../client/hub-api-client.js';
import { buildOpenApiParts } from '../openapi/build-openapi-parts.js';
import { OPERATIONS } from './operations.js';

describe('OPERATIONS', () => {
  it('names every operation after its key, with a unique method and path', () => {
    const routes = Object.entries(OPERATIONS).map(([key, operation]) => {
      expect(operation.operationId).toBe(key);
      return `${operation.method} ${operation.path}`;
    });
    expect(new Set(routes).size).toBe(routes.length);
  });

  it('gives every body and response schema an OpenAPI component', () => {
    const { componentNameOf, components } = buildOpenApiParts();
    for (const operation of Object.values(OPERATIONS) as Array<{ body?: unknown; response?: unknown }>) {
      for (const schema of [operation.body, operation.response]) if (schema) expect(components.schemas).toHaveProperty(componentNameOf(schema));
    }
  });

  it('has a client method for every operation', () => {
    for (const id of Object.keys(OPERATIONS)) expect(typeof (HubApiClient.prototype as unknown as Record<string, unknown>)[id], id).toBe('function');
  });

  it('names path parameters that are in the path', () => {
    for (const operation of Object.values(OPERATIONS) as Array<{ path: string; params?: Record<string, string> }>) {
      const inPath = [...operation.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(Object.keys(operation.params ?? {})).toEqual(inPath);
    }
  });
});
