import { applyDecorators } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { OperationSpec } from '@flotilla/api';

/**
 * Binds a route to its operation of the contract (@flotilla/api's OPERATIONS): operationId, summary and tag here;
 * completeOpenApiDocument fills in parameters, bodies, responses and security from the same operation.
 */
export function ApiOperationOf(operation: OperationSpec): MethodDecorator {
  return applyDecorators(ApiOperation({ operationId: operation.operationId, summary: operation.summary }), ApiTags(operation.tag));
}
