import type { z } from 'zod';
import { API_TAGS } from './api-tags.js';
import { REQUEST_COMPONENTS, VIEW_COMPONENTS } from './component-schemas.js';
import { ERROR_RESPONSES } from './error-responses.js';
import { componentSchemasOf, type JsonSchema } from './json-schema-of.js';
import type { ComponentNameOf } from './to-openapi-operation.js';

/** What an OpenAPI document of the contract holds besides its paths. */
export interface OpenApiParts {
  components: { schemas: Record<string, JsonSchema>; responses: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  tags: ReadonlyArray<{ name: string; description: string }>;
  /** The component name of a request or view schema of the contract; throws for one that has none. */
  componentNameOf: ComponentNameOf;
}

/** The components (schemas, error responses, the bearer scheme) and tags of the contract's OpenAPI 3.1 document. */
export function buildOpenApiParts(): OpenApiParts {
  const names = new Map<unknown, string>();
  for (const [name, schema] of [...Object.entries(REQUEST_COMPONENTS), ...Object.entries(VIEW_COMPONENTS)]) names.set(schema, name);
  const responses = Object.fromEntries(
    Object.values(ERROR_RESPONSES).map(({ name, description }) => [name, { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]),
  );
  return {
    components: {
      schemas: { ...componentSchemasOf(REQUEST_COMPONENTS as Record<string, z.ZodType>, 'input'), ...componentSchemasOf(VIEW_COMPONENTS as Record<string, z.ZodType>, 'output') },
      responses,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'an API token (POST /api/v1/tokens); its role decides what it may do' },
      },
    },
    tags: API_TAGS,
    componentNameOf: (schema) => {
      const name = names.get(schema);
      if (!name) throw new Error('a schema of an operation has no OpenAPI component: name it in component-schemas.ts');
      return name;
    },
  };
}
