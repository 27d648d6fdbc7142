import { type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { idSchema } from '@flotilla/api';
import { parseWith } from './zod-body.pipe.js';

/**
 * Reads a row id from a path parameter: decimal, from 1 to the largest int4. An id outside that range is refused as
 * bad input (400, like `abc`), not looked up: the contract types it int32, and PostgreSQL would fail the query.
 */
export class IdPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    return parseWith(idSchema, value, 'path parameter', metadata.data ?? 'id');
  }
}
