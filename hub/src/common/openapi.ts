import { ApiBody } from '@nestjs/swagger';
import { z } from 'zod';

/** Documents a request body in OpenAPI from the zod schema that validates it (one source of truth). */
export function ApiZodBody(schema: z.ZodType): MethodDecorator {
  const jsonSchema = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete jsonSchema.$schema;
  return ApiBody({ schema: jsonSchema });
}
