import { FlotillaError } from '@flotilla/core';
import { KubeApiError, mapApiError } from '@flotilla/kube';
import { describe, expect, it } from 'vitest';
import { describeStartFailure } from './describe-start-failure.js';

const forbidden = new KubeApiError(
  403,
  JSON.stringify({
    kind: 'Status',
    status: 'Failure',
    reason: 'Forbidden',
    code: 403,
    message: 'secrets is forbidden: User "system:serviceaccount:flotilla-system:flotilla-agent" cannot list resource "secrets" in API group "" in the namespace "flotilla-system"',
  }),
  { 'content-type': 'application/json', 'audit-id': '6c1f0c4e' },
  'GET /api/v1/namespaces/flotilla-system/secrets',
);

describe('describeStartFailure', () => {
  it('names the refused verb, resource and namespace on one line, with where to read what the agent needs', () => {
    const line = describeStartFailure(mapApiError(forbidden, { object: 'Secret/flotilla-system', verb: 'list' }));
    expect(line).toBe(
      'cannot start: Secret/flotilla-system list failed: secrets is forbidden: User "system:serviceaccount:flotilla-system:flotilla-agent" cannot list resource "secrets" in API group "" in the namespace "flotilla-system"; grant it to the agent\'s identity (deploy/README.md lists what the agent needs)',
    );
  });

  it('shows the API server message of a raw answer, not its headers or body', () => {
    const line = describeStartFailure(forbidden);
    expect(line).toContain('cannot list resource "secrets" in API group "" in the namespace "flotilla-system"');
    expect(line).not.toMatch(/audit-id|content-type|"kind"|\n/);
  });

  it('keeps other failures to their message on one line', () => {
    expect(describeStartFailure(new FlotillaError('UNAVAILABLE', 'Secret/flotilla-system list failed:\n could not reach the API server'))).toBe(
      'cannot start: Secret/flotilla-system list failed: could not reach the API server',
    );
    expect(describeStartFailure(new Error('listen EADDRINUSE: address already in use 0.0.0.0:9100'))).toBe('cannot start: listen EADDRINUSE: address already in use 0.0.0.0:9100');
  });
});
