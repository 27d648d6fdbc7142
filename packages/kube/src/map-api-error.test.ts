import { FlotillaError } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { KubeApiError } from './kube-api-error.js';
import { mapApiError, readApiError } from './map-api-error.js';

const status = (code: number, reason: string, message: string): string =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });

describe('mapApiError', () => {
  it('starts the message with the object id and carries the API server message', () => {
    const error = new KubeApiError(422, status(422, 'Invalid', 'Deployment.apps "api" is invalid: spec.replicas: Invalid value: -1'), {}, 'PATCH /apis/apps/v1/namespaces/web/deployments/api');

    const mapped = mapApiError(error, { object: 'Deployment/web/api', verb: 'dry-run' });

    expect(mapped.message).toBe('Deployment/web/api dry-run failed: Deployment.apps "api" is invalid: spec.replicas: Invalid value: -1');
    expect(mapped.code).toBe('INVALID_ARGUMENT');
    expect(mapped.data).toEqual({ object: 'Deployment/web/api', verb: 'dry-run', status: 422, reason: 'Invalid' });
    expect(mapped.cause).toBe(error);
  });

  it('maps statuses to codes: 403 denied, 404 not found, 409 conflict, 429 exhausted, 503 unavailable', () => {
    const codeOf = (code: number): string => mapApiError(new KubeApiError(code, status(code, 'R', 'm'), {}, 'GET /x'), { object: 'o', verb: 'v' }).code;

    expect([403, 404, 409, 429, 503, 500, 418].map(codeOf)).toEqual([
      'PERMISSION_DENIED',
      'NOT_FOUND',
      'CONFLICT',
      'RESOURCE_EXHAUSTED',
      'UNAVAILABLE',
      'INTERNAL',
      'INVALID_ARGUMENT',
    ]);
  });

  it('reads a body that is not JSON at all, or an empty one', () => {
    expect(readApiError(new KubeApiError(502, '<html>bad gateway</html>', {}, 'GET /x'))).toEqual({ status: 502, reason: '', message: 'HTTP 502: <html>bad gateway</html>' });
    expect(readApiError(new KubeApiError(401, '', {}, 'GET /x'))).toEqual({ status: 401, reason: '', message: 'HTTP 401' });
  });

  it('says UNAVAILABLE when no answer came back', () => {
    const mapped = mapApiError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' }), { object: 'ConfigMap/web/a', verb: 'get' });

    expect(mapped.code).toBe('UNAVAILABLE');
    expect(mapped.message).toBe('ConfigMap/web/a get failed: could not reach the API server: connect ECONNREFUSED 127.0.0.1:6443');
  });

  it('passes a FlotillaError through unchanged', () => {
    const error = new FlotillaError('INVALID_ARGUMENT', 'ConfigMap/a: no namespace');

    expect(mapApiError(error, { object: 'x', verb: 'y' })).toBe(error);
  });
});
