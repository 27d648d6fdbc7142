import { z } from 'zod';
import { pageSchemaOf } from '../common/page-schema.js';
import { timestampSchema } from '../common/timestamp-schema.js';
import { ROLES } from './roles.js';

/** A token as the REST API shows it: never the token or its hash. */
export const apiTokenViewSchema = z.object({
  name: z.string(),
  role: z.enum(ROLES),
  createdBy: z.string(),
  createdAt: timestampSchema,
  expiresAt: timestampSchema.nullable(),
  lastUsedAt: timestampSchema.nullable(),
});
export type ApiTokenView = z.output<typeof apiTokenViewSchema>;

/** The answer of POST /api/v1/tokens: the token itself, shown only this once. */
export const createdApiTokenViewSchema = apiTokenViewSchema.extend({ token: z.string().describe('shown only this once') });
export type CreatedApiTokenView = z.output<typeof createdApiTokenViewSchema>;

/** A page of tokens. */
export const apiTokenPageSchema = pageSchemaOf(apiTokenViewSchema);
export type ApiTokenPage = z.output<typeof apiTokenPageSchema>;
