import { rolloutDetailViewSchema, rolloutPageSchema } from '../rollouts/rollout-view.js';
import { rolloutActionSchema, rolloutListQuerySchema } from '../rollouts/rollouts.schemas.js';
import { defineOperation } from './operation-spec.js';

const byId = { id: 'integer' } as const;

/** /api/v1/rollouts: apps moving to a revision, wave by wave; pause, resume, abort. */
export const ROLLOUT_OPERATIONS = {
  listRollouts: defineOperation({
    operationId: 'listRollouts',
    method: 'GET',
    path: '/api/v1/rollouts',
    tag: 'rollouts',
    summary: 'List rollouts, newest first (filter by app and state), with their progress',
    query: rolloutListQuerySchema,
    response: rolloutPageSchema,
  }),
  getRollout: defineOperation({
    operationId: 'getRollout',
    method: 'GET',
    path: '/api/v1/rollouts/{id}',
    tag: 'rollouts',
    summary: 'Get a rollout: its waves, the state of each cluster, progress',
    params: byId,
    response: rolloutDetailViewSchema,
  }),
  pauseRollout: defineOperation({
    operationId: 'pauseRollout',
    method: 'POST',
    path: '/api/v1/rollouts/{id}/pause',
    tag: 'rollouts',
    summary: 'Pause a progressing rollout: no more clusters start; those under way finish',
    params: byId,
    body: rolloutActionSchema,
    response: rolloutDetailViewSchema,
    role: 'operator',
    errors: [412],
  }),
  resumeRollout: defineOperation({
    operationId: 'resumeRollout',
    method: 'POST',
    path: '/api/v1/rollouts/{id}/resume',
    tag: 'rollouts',
    summary: 'Resume a paused or halted rollout (the failed clusters of a halted one are judged again)',
    params: byId,
    body: rolloutActionSchema,
    response: rolloutDetailViewSchema,
    role: 'operator',
    errors: [412],
  }),
  abortRollout: defineOperation({
    operationId: 'abortRollout',
    method: 'POST',
    path: '/api/v1/rollouts/{id}/abort',
    tag: 'rollouts',
    summary: 'Abort a rollout: no more clusters start; every cluster keeps what it has',
    params: byId,
    body: rolloutActionSchema,
    response: rolloutDetailViewSchema,
    role: 'operator',
    errors: [412],
  }),
};
