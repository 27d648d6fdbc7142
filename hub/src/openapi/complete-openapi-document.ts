import type { OpenAPIObject } from '@nestjs/swagger';
import { buildOpenApiParts, type OperationSpec, OPERATIONS, toOpenApiOperation } from '@flotilla/api';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * Fills the document Nest derived from the routes with the contract: each route's operation (parameters, request and
 * response schemas, error responses, security) from @flotilla/api's OPERATIONS, and the components they refer to.
 * Throws when a route and the contract disagree (a route without an operation, a method or path that differs, an
 * operation without a route), so the served document never drifts from what the hub does.
 */
export function completeOpenApiDocument(document: OpenAPIObject): OpenAPIObject {
  const parts = buildOpenApiParts();
  const operations: Record<string, OperationSpec> = OPERATIONS;
  const seen = new Set<string>();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const route = item[method];
      if (!route) continue;
      const operation = route.operationId ? operations[route.operationId] : undefined;
      if (!operation) throw new Error(`${method.toUpperCase()} ${path} has no operation of the contract: decorate it with @ApiOperationOf`);
      if (operation.path !== path || operation.method.toLowerCase() !== method) {
        throw new Error(`${operation.operationId} is ${operation.method} ${operation.path} in the contract but ${method.toUpperCase()} ${path} in the hub`);
      }
      seen.add(operation.operationId);
      (paths[path] ??= {})[method] = toOpenApiOperation(operation, parts.componentNameOf);
    }
  }
  const missing = Object.keys(operations).filter((id) => !seen.has(id));
  if (missing.length > 0) throw new Error(`operations of the contract without a route in the hub: ${missing.join(', ')}`);
  return {
    openapi: '3.1.0',
    info: document.info,
    servers: [{ url: 'http://127.0.0.1:8080', description: 'a hub on this machine, at its default address' }],
    security: [{ bearer: [] }],
    tags: [...parts.tags],
    paths: paths as OpenAPIObject['paths'],
    components: parts.components as OpenAPIObject['components'],
  };
}
