import { z } from 'zod';
import { labelsSchema } from '../common/labels-schema.js';
import { pageSchemaOf } from '../common/page-schema.js';
import { timestampSchema } from '../common/timestamp-schema.js';

/** A cluster as the REST API shows it (never its credential hash). */
export const clusterViewSchema = z.object({
  name: z.string(),
  labels: labelsSchema,
  connected: z.boolean(),
  lastHeartbeatAt: timestampSchema.nullable(),
  agentVersion: z.string(),
  kubernetesVersion: z.string(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type ClusterView = z.output<typeof clusterViewSchema>;

/** The answer of POST /api/v1/clusters: the cluster and its one-time join token. */
export const createdClusterViewSchema = clusterViewSchema.extend({ joinToken: z.string().describe('shown only this once') });
export type CreatedClusterView = z.output<typeof createdClusterViewSchema>;

/** A page of clusters. */
export const clusterPageSchema = pageSchemaOf(clusterViewSchema);
export type ClusterPage = z.output<typeof clusterPageSchema>;

/** The answer of POST /api/v1/clusters/{name}/join-token. */
export const joinTokenViewSchema = z.object({
  cluster: z.string(),
  joinToken: z.string().describe('shown only this once'),
  expiresAt: timestampSchema,
  issuedBy: z.string(),
});
export type JoinTokenView = z.output<typeof joinTokenViewSchema>;

/** The answer of POST /api/v1/clusters/{name}/credential/rotate. */
export const credentialRotationViewSchema = z.object({
  cluster: z.string(),
  previousExpiresAt: timestampSchema.describe('when the credential the agent used until now stops working'),
});
export type CredentialRotationView = z.output<typeof credentialRotationViewSchema>;
