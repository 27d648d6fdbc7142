import { describe, expect, it } from 'vitest';
import { isTransientFailure } from './transient-failure.js';

describe('isTransientFailure', () => {
  it('takes the hub, the API server or a Git host out of reach for transient, and a refusal of the revision for not', () => {
    for (const code of ['ARTIFACT_UNAVAILABLE', 'ARTIFACT_NOT_FOUND', 'UNAVAILABLE', 'RESOURCE_EXHAUSTED', 'GIT_UNREACHABLE']) expect(isTransientFailure(code)).toBe(true);
    for (const code of ['DRY_RUN_FAILED', 'APPLY_FAILED', 'HEALTH_TIMEOUT', 'DEGRADED', 'RENDER_FAILED', 'DUPLICATE_OBJECT', '']) expect(isTransientFailure(code)).toBe(false);
  });
});
