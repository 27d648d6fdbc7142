import { z } from 'zod';
import { pageQuerySchema } from '../common/page-query-schema.js';
import { resourceName } from '../common/resource-name.js';
import { ROLES } from './roles.js';

/** Body of POST /api/v1/tokens. */
export const createTokenSchema = z.strictObject({
  name: resourceName,
  role: z.enum(ROLES),
  expiresAt: z.iso
    .datetime({ offset: true })
    .refine((value) => Date.parse(value) > Date.now(), 'must be in the future')
    .optional()
    .describe('when the token stops working; default never'),
});

/** Query of GET /api/v1/tokens. */
export const tokenListQuerySchema = pageQuerySchema;

export type CreateTokenBody = z.output<typeof createTokenSchema>;
export type CreateTokenRequest = z.input<typeof createTokenSchema>;
