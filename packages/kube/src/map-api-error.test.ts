import { FlotillaError } from '@flotilla/core';
import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { mapApiError, readApiError } from './map-api-error.js';

const status = (code: number, reason: string, message: string): string =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });

describe('mapApiError', () => {
  it('starts the message with the object id and carries the API server message', () => {
    const error = new ApiException(422, 'PATCH', status(422, 'Invalid', 'Deployment.apps "api" is invalid: spec.replicas: Invalid value: -1'), {});

    const mapped = mapApiError(error, { object: 'Deployment/web/api', verb: 'dry-run' });

    expect(mapped.message).toBe('Deployment/web/api dry-run failed: Deployment.apps "api" is invalid: spec.replicas: Invalid value: -1');
    expect(mapped.code).toBe('INVALID_ARGUMENT');
    expect(mapped.data).toEqual({ object: 'Deployment/web/api', verb: 'dry-run', status: 422, reason: 'Invalid' });
    expect(mapped.cause).toBe(error);
  });

  it('maps statuses to codes: 403 denied, 404 not found, 409 conflict, 429 exhausted, 503 unavailable', () => {
    const codeOf = (code: number): string => mapApiError(new ApiException(code, 'x', status(code, 'R', 'm'), {}), { object: 'o', verb: 'v' }).code;

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

  it('reads a body that is already an object, or not JSON at all', () => {
    expect(readApiError(new ApiException(403, 'x', { message: 'forbidden', reason: 'Forbidden' }, {}))).toEqual({ status: 403, reason: 'Forbidden', message: 'forbidden' });
    expect(readApiError(new ApiException(502, 'x', '<html>bad gateway</html>', {}))).toEqual({ status: 502, reason: '', message: 'HTTP 502: <html>bad gateway</html>' });
  });

  it('says UNAVAILABLE when no answer came back', () => {
    const mapped = mapApiError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { name: 'FetchError' }), { object: 'ConfigMap/web/a', verb: 'get' });

    expect(mapped.code).toBe('UNAVAILABLE');
    expect(mapped.message).toBe('ConfigMap/web/a get failed: could not reach the API server: connect ECONNREFUSED 127.0.0.1:6443');
  });

  it('passes a FlotillaError through unchanged', () => {
    const error = new FlotillaError('INVALID_ARGUMENT', 'ConfigMap/a: no namespace');

    expect(mapApiError(error, { object: 'x', verb: 'y' })).toBe(error);
  });
});
