import { z } from 'zod';
import { labelSelectorSchema } from '../common/label-selector-schema.js';
import { pageQuerySchema } from '../common/page-query-schema.js';
import { resourceName } from '../common/resource-name.js';
import { rolloutStrategySchema } from '../rollouts/rollout-strategy-schema.js';

/** `deploy/prod`, `.`, ``: a relative directory that stays inside the repository. */
const appPath = z
  .string()
  .max(1024)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !p.includes('\0'), 'must be a relative path inside the repository')
  .refine((p) => !p.split('/').includes('..'), 'must not contain ".." (it would leave the repository)')
  .transform((p) => p.split('/').filter((part) => part !== '' && part !== '.').join('/'));

const variableName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'variable names are letters, digits, "_", "." and "-", starting with a letter or "_"')
  .refine((name) => !name.startsWith('cluster.'), 'names starting with "cluster." are set by the hub for each cluster');

const ignoreRule = z.strictObject({
  kind: z.string().max(253).optional(),
  namespace: z.string().max(253).optional(),
  name: z.string().max(253).optional(),
  jsonPointers: z.array(z.string().regex(/^(\/([^~]|~[01])*)+$/, 'must be a JSON pointer such as /spec/replicas')).optional(),
});

const driftPolicySchema = z.strictObject({
  mode: z.enum(['report', 'correct', 'off']).optional(),
  ignore: z.array(ignoreRule).max(100).optional(),
  checkIntervalSeconds: z.number().int().min(0).max(86_400).optional(),
  maxCorrections: z.number().int().min(0).max(1000).optional(),
  correctionBackoffMaxSeconds: z.number().int().min(0).max(86_400).optional(),
});

/** A policy in a body: every field optional; what is left out takes the default. */
export const policySchema = z.strictObject({
  prune: z.boolean().optional(),
  drift: driftPolicySchema.optional(),
  health: z.strictObject({ timeoutSeconds: z.number().int().min(1).max(86_400).optional() }).optional(),
  rollback: z.strictObject({ auto: z.boolean().optional() }).optional(),
  rollout: rolloutStrategySchema.optional(),
  createNamespace: z
    .boolean()
    .optional()
    .describe("create the namespaces the app's objects are in when missing (labelled as Flotilla's, never deleted by it); default false"),
});

/**
 * Per-cluster changes of the drift policy, keyed by cluster name (`{ "eu-1": { "drift": { "mode": "correct" } } }`):
 * merged over the app's policy in that cluster's assignment. Clusters need not exist yet.
 */
const policyOverridesSchema = z
  .record(resourceName, z.strictObject({ drift: driftPolicySchema.optional() }))
  .refine((overrides) => Object.keys(overrides).length <= 1000, 'at most 1000 clusters');

const targetsSchema = z.strictObject({
  selector: labelSelectorSchema.optional(),
  clusters: z.array(resourceName).max(10_000).optional(),
});

/** How an App's path is rendered on the hub. */
const renderOptionsSchema = z.strictObject({
  allowRemoteBases: z
    .boolean()
    .optional()
    .describe('let a Kustomize path use remote bases (kustomize fetches them, from outside the Source); default false'),
});

/** Body of POST /api/v1/apps. */
export const createAppSchema = z.strictObject({
  name: resourceName,
  source: resourceName,
  path: appPath.default(''),
  targets: targetsSchema.default({}),
  variables: z.record(variableName, z.string().max(4096)).default({}),
  namespace: resourceName.default('default'),
  policy: policySchema.default({}),
  policyOverrides: policyOverridesSchema.default({}),
  render: renderOptionsSchema.default({}),
});

/** Body of PATCH /api/v1/apps/{name}: fields given replace the stored ones (policy fields merge). */
export const updateAppSchema = z.strictObject({
  source: resourceName.optional(),
  path: appPath.optional(),
  targets: targetsSchema.optional(),
  variables: z.record(variableName, z.string().max(4096)).optional(),
  namespace: resourceName.optional(),
  policy: policySchema.optional(),
  /** Replaces every override. */
  policyOverrides: policyOverridesSchema.optional(),
  /** Fields given replace the stored ones. */
  render: renderOptionsSchema.optional(),
});

/** Query of GET /api/v1/apps. */
export const appListQuerySchema = pageQuerySchema.extend({ source: z.string().max(63).optional().describe('only apps of this source') });

export type CreateAppBody = z.output<typeof createAppSchema>;
export type CreateAppRequest = z.input<typeof createAppSchema>;
export type UpdateAppBody = z.output<typeof updateAppSchema>;
export type UpdateAppRequest = z.input<typeof updateAppSchema>;
export type PolicyBody = z.output<typeof policySchema>;
export type AppListQuery = z.output<typeof appListQuerySchema>;
