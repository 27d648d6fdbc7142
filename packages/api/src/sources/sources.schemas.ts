import { z } from 'zod';
import { resourceName } from '../common/resource-name.js';

/**
 * The URL of a Git repository (http or https). The hub checks it further (no credentials, query or other scheme) by
 * extending these schemas with @flotilla/git's validateGitUrl, which this package may not import.
 */
export const gitUrlSchema = z.string().max(2048);

const gitRef = z
  .string()
  .min(1)
  .max(255)
  .regex(/^(?!.*\.\.)(?!\/)(?!.*\/\/)[A-Za-z0-9._/-]+(?<![./])$/, 'must be a branch or tag name ("main", "refs/tags/v1.2.0")');

const credentials = z.strictObject({ username: z.string().min(1).max(255), password: z.string().min(1).max(4096) });

/** Body of POST /api/v1/sources. */
export const createSourceSchema = z.strictObject({
  name: resourceName,
  url: gitUrlSchema,
  ref: gitRef.default('main'),
  pollIntervalSeconds: z.number().int().min(5).max(86_400).default(60),
  credentials: credentials.optional(),
  webhookSecret: z.string().min(16, 'must be at least 16 characters').max(255).optional(),
});

/** Body of PATCH /api/v1/sources/{name}; `null` clears credentials or the webhook secret. */
export const updateSourceSchema = z.strictObject({
  url: gitUrlSchema.optional(),
  ref: gitRef.optional(),
  pollIntervalSeconds: z.number().int().min(5).max(86_400).optional(),
  credentials: credentials.nullable().optional(),
  webhookSecret: z.string().min(16, 'must be at least 16 characters').max(255).nullable().optional(),
});

export type CreateSourceBody = z.output<typeof createSourceSchema>;
export type CreateSourceRequest = z.input<typeof createSourceSchema>;
export type UpdateSourceBody = z.output<typeof updateSourceSchema>;
export type UpdateSourceRequest = z.input<typeof updateSourceSchema>;
