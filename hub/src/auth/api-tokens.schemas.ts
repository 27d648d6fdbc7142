import { z } from 'zod';
import { resourceName } from '../common/names.js';
import { ROLES } from './role.js';

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

export type CreateTokenBody = z.infer<typeof createTokenSchema>;
