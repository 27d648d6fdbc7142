import { z } from 'zod';

/** One object of an artifact and where it came from. */
export const manifestObjectViewSchema = z.object({
  object: z.record(z.string(), z.unknown()).describe('the object as it is applied (Secret data and stringData redacted)'),
  source: z.object({ file: z.string(), line: z.number().int().describe('1-based; 0 when the renderer gives none') }),
});
export type ManifestObjectView = z.output<typeof manifestObjectViewSchema>;

/** GET /api/v1/apps/{name}/manifests: what the App applies on one cluster, from its current artifact. */
export const appManifestsViewSchema = z.object({
  app: z.string(),
  cluster: z.string(),
  revision: z.string().nullable().describe('the revision the artifact was rendered from, ref@sha1:<hex>'),
  artifact: z.object({ digest: z.string().describe('sha256:<hex>'), size: z.number().int() }),
  objects: z.array(manifestObjectViewSchema).describe('in apply order; namespaces are defaulted by the agent at apply time'),
});
export type AppManifestsView = z.output<typeof appManifestsViewSchema>;

/** Query of GET /api/v1/apps/{name}/manifests. */
export const appManifestsQuerySchema = z.strictObject({ cluster: z.string().min(1).max(63).describe('the cluster whose artifact to show') });
export type AppManifestsQuery = z.output<typeof appManifestsQuerySchema>;
