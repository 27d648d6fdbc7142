import { type PipeTransform } from '@nestjs/common';
import { FlotillaError } from '@flotilla/core';
import type { z } from 'zod';

/** One problem with a request field, by JSON path (`labels.env`, `policy.drift.mode`). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** Parses a value against a zod schema; throws INVALID_ARGUMENT listing a message per bad field (`root` names the value itself). */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what = 'request body', root = '(body)'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields: FieldProblem[] = result.error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || root,
    message: issue.message,
  }));
  throw new FlotillaError('INVALID_ARGUMENT', `invalid ${what}: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`, {
    data: { fields },
  });
}

/** A Nest pipe validating a body or query against a zod schema. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly what = 'request body',
  ) {}

  transform(value: unknown): z.infer<S> {
    return parseWith(this.schema, value, this.what);
  }
}
