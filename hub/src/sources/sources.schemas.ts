import { validateGitUrl } from '@flotilla/git';
import { z } from 'zod';
import { resourceName } from '../common/names.js';

const gitUrl = z
  .string()
  .max(2048)
  .superRefine((value, ctx) => {
    try {
      validateGitUrl(value);
    } catch (error) {
      // The message names what is wrong (scheme, credentials, whitespace, query) and never repeats a password.
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });

const gitRef = z
  .string()
  .min(1)
  .max(255)
  .regex(/^(?!.*\.\.)(?!\/)(?!.*\/\/)[A-Za-z0-9._/-]+(?<![./])$/, 'must be a branch or tag name ("main", "refs/tags/v1.2.0")');

const credentials = z.strictObject({ username: z.string().min(1).max(255), password: z.string().min(1).max(4096) });

/** Body of POST /api/v1/sources. */
export const createSourceSchema = z.strictObject({
  name: resourceName,
  url: gitUrl,
  ref: gitRef.default('main'),
  pollIntervalSeconds: z.number().int().min(5).max(86_400).default(60),
  credentials: credentials.optional(),
  webhookSecret: z.string().min(16, 'must be at least 16 characters').max(255).optional(),
});

/** Body of PATCH /api/v1/sources/{name}; `null` clears credentials or the webhook secret. */
export const updateSourceSchema = z.strictObject({
  url: gitUrl.optional(),
  ref: gitRef.optional(),
  pollIntervalSeconds: z.number().int().min(5).max(86_400).optional(),
  credentials: credentials.nullable().optional(),
  webhookSecret: z.string().min(16, 'must be at least 16 characters').max(255).nullable().optional(),
});

export type CreateSourceBody = z.infer<typeof createSourceSchema>;
export type UpdateSourceBody = z.infer<typeof updateSourceSchema>;
