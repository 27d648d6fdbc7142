import { pageQuerySchema } from '../common/page-query-schema.js';
import { refreshedSourceViewSchema, revisionPageSchema, sourcePageSchema, sourceViewSchema, webhookResultViewSchema } from '../sources/source-view.js';
import { createSourceSchema, updateSourceSchema } from '../sources/sources.schemas.js';
import { defineOperation } from './operation-spec.js';

const byName = { name: 'string' } as const;

/** /api/v1/sources: Git repositories and refs the hub tracks; /api/v1/webhooks: their push events. */
export const SOURCE_OPERATIONS = {
  createSource: defineOperation({
    operationId: 'createSource',
    method: 'POST',
    path: '/api/v1/sources',
    tag: 'sources',
    summary: 'Track a Git repository and ref; resolves it once at once',
    body: createSourceSchema,
    response: sourceViewSchema,
    status: 201,
    errors: [409],
  }),
  listSources: defineOperation({
    operationId: 'listSources',
    method: 'GET',
    path: '/api/v1/sources',
    tag: 'sources',
    summary: 'List sources',
    query: pageQuerySchema,
    response: sourcePageSchema,
  }),
  getSource: defineOperation({
    operationId: 'getSource',
    method: 'GET',
    path: '/api/v1/sources/{name}',
    tag: 'sources',
    summary: 'Get a source and the revision its ref resolves to',
    params: byName,
    response: sourceViewSchema,
  }),
  updateSource: defineOperation({
    operationId: 'updateSource',
    method: 'PATCH',
    path: '/api/v1/sources/{name}',
    tag: 'sources',
    summary: 'Change a source (null clears credentials or webhook secret)',
    params: byName,
    body: updateSourceSchema,
    response: sourceViewSchema,
  }),
  deleteSource: defineOperation({
    operationId: 'deleteSource',
    method: 'DELETE',
    path: '/api/v1/sources/{name}',
    tag: 'sources',
    summary: 'Stop tracking a source (refused while apps use it)',
    params: byName,
    status: 204,
    errors: [412],
  }),
  refreshSource: defineOperation({
    operationId: 'refreshSource',
    method: 'POST',
    path: '/api/v1/sources/{name}/refresh',
    tag: 'sources',
    summary: 'Resolve the ref now',
    params: byName,
    response: refreshedSourceViewSchema,
    role: 'operator',
  }),
  listSourceRevisions: defineOperation({
    operationId: 'listSourceRevisions',
    method: 'GET',
    path: '/api/v1/sources/{name}/revisions',
    tag: 'sources',
    summary: 'Revisions recorded for a source, newest first',
    params: byName,
    query: pageQuerySchema,
    response: revisionPageSchema,
  }),
  receiveWebhook: defineOperation({
    operationId: 'receiveWebhook',
    method: 'POST',
    path: '/api/v1/webhooks/{source}',
    tag: 'webhooks',
    summary: 'Receive a push event of GitHub, GitLab, Gitea/Forgejo or Bitbucket Cloud (signed, each delivery once) and refresh the source at once',
    params: { source: 'string' },
    response: webhookResultViewSchema,
    role: 'public',
    errors: [401, 409, 412, 429, 503],
    alsoAnswers: [202],
  }),
};
