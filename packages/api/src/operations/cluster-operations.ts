import { clusterPageSchema, clusterViewSchema, createdClusterViewSchema, credentialRotationViewSchema, joinTokenViewSchema } from '../clusters/cluster-view.js';
import { clusterListQuerySchema, createClusterSchema, updateClusterSchema } from '../clusters/clusters.schemas.js';
import { clusterStatusViewSchema } from '../status/status-view.js';
import { defineOperation } from './operation-spec.js';

const byName = { name: 'string' } as const;

/** /api/v1/clusters: register, list, label and remove clusters; their agents' identity; their status. */
export const CLUSTER_OPERATIONS = {
  createCluster: defineOperation({
    operationId: 'createCluster',
    method: 'POST',
    path: '/api/v1/clusters',
    tag: 'clusters',
    summary: 'Register a cluster; the answer holds its join token, shown only this once',
    body: createClusterSchema,
    response: createdClusterViewSchema,
    status: 201,
    errors: [409],
  }),
  listClusters: defineOperation({
    operationId: 'listClusters',
    method: 'GET',
    path: '/api/v1/clusters',
    tag: 'clusters',
    summary: 'List clusters, filtered by a label selector (`env=prod,region in (eu,us)`)',
    query: clusterListQuerySchema,
    response: clusterPageSchema,
  }),
  getCluster: defineOperation({
    operationId: 'getCluster',
    method: 'GET',
    path: '/api/v1/clusters/{name}',
    tag: 'clusters',
    summary: 'Get a cluster',
    params: byName,
    response: clusterViewSchema,
  }),
  updateCluster: defineOperation({
    operationId: 'updateCluster',
    method: 'PATCH',
    path: '/api/v1/clusters/{name}',
    tag: 'clusters',
    summary: "Replace a cluster's labels (assignments follow)",
    params: byName,
    body: updateClusterSchema,
    response: clusterViewSchema,
  }),
  deleteCluster: defineOperation({
    operationId: 'deleteCluster',
    method: 'DELETE',
    path: '/api/v1/clusters/{name}',
    tag: 'clusters',
    summary: 'Remove a cluster; its agent can no longer connect',
    params: byName,
    status: 204,
  }),
  issueJoinToken: defineOperation({
    operationId: 'issueJoinToken',
    method: 'POST',
    path: '/api/v1/clusters/{name}/join-token',
    tag: 'clusters',
    summary: 'Issue a new one-time join token for the cluster (shown only this once); an unused earlier one stops working',
    params: byName,
    response: joinTokenViewSchema,
    status: 201,
  }),
  rotateClusterCredential: defineOperation({
    operationId: 'rotateClusterCredential',
    method: 'POST',
    path: '/api/v1/clusters/{name}/credential/rotate',
    tag: 'clusters',
    summary: 'Send the connected agent a new credential; the one it uses keeps working for the grace period',
    params: byName,
    response: credentialRotationViewSchema,
    errors: [412],
  }),
  revokeClusterCredential: defineOperation({
    operationId: 'revokeClusterCredential',
    method: 'DELETE',
    path: '/api/v1/clusters/{name}/credential',
    tag: 'clusters',
    summary: "Revoke the cluster's credential and join token at once, closing its agent's stream; re-join with a new join token",
    params: byName,
    status: 204,
  }),
  getClusterStatus: defineOperation({
    operationId: 'getClusterStatus',
    method: 'GET',
    path: '/api/v1/clusters/{name}/status',
    tag: 'status',
    summary: 'Status of each app on a cluster',
    params: byName,
    response: clusterStatusViewSchema,
  }),
};
