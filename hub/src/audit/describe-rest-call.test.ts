import { describe, expect, it } from 'vitest';
import { describeRestCall } from './describe-rest-call.js';

describe('describeRestCall', () => {
  it('names creations after the body, and other calls after the route parameter', () => {
    expect(describeRestCall({ method: 'POST', path: '/api/v1/clusters', route: { path: '/api/v1/clusters' }, body: { name: 'eu-1' } })).toEqual({
      action: 'cluster.create',
      target: 'cluster/eu-1',
    });
    expect(describeRestCall({ method: 'PATCH', path: '/api/v1/apps/web', route: { path: '/api/v1/apps/:name' }, params: { name: 'web' } })).toEqual({
      action: 'app.update',
      target: 'app/web',
    });
    expect(describeRestCall({ method: 'DELETE', path: '/api/v1/tokens/ci', route: { path: '/api/v1/tokens/:name' }, params: { name: 'ci' } })).toEqual({
      action: 'token.delete',
      target: 'token/ci',
    });
  });

  it('uses the words after the name as the verb of a POST, and appends the method otherwise', () => {
    const route = { path: '/api/v1/sources/:name/refresh' };
    expect(describeRestCall({ method: 'POST', path: '/api/v1/sources/fleet/refresh', route, params: { name: 'fleet' } })).toEqual({
      action: 'source.refresh',
      target: 'source/fleet',
    });
    const credential = { path: '/api/v1/clusters/:name/credential' };
    expect(describeRestCall({ method: 'DELETE', path: '/api/v1/clusters/eu-1/credential', route: credential, params: { name: 'eu-1' } }).action).toBe(
      'cluster.credential.delete',
    );
  });

  it('copes with bodies that are not objects and names that are not strings', () => {
    expect(describeRestCall({ method: 'POST', path: '/api/v1/clusters', body: [1, 2] })).toEqual({ action: 'cluster.create', target: 'cluster' });
    expect(describeRestCall({ method: 'POST', path: '/api/v1/clusters', body: { name: 7 } }).target).toBe('cluster');
  });
});
