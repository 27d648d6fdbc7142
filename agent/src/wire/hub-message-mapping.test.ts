import { toTimestamp } from '@flotilla/proto';
import { describe, expect, it } from 'vitest';
import { fromHubMessage, toAgentMessage, toHelloMessage } from './hub-message-mapping.js';

describe('the mapping of the stream messages', () => {
  it('tells the hub in the hello how many reports wait and how many were dropped', () => {
    const hello = { cluster: 'eu-1', agentVersion: '0.1.0', kubernetesVersion: 'v1.36.3', assignments: [], capabilities: ['rollback.v1'] };
    expect(toHelloMessage(hello, 12, 3)).toEqual({ hello: { ...hello, bufferedReports: 12, droppedReports: 3 } });
  });

  it('names each message of the hub by its kind, in the types of the agent', () => {
    expect(fromHubMessage({ unassignment: { app: 'web', generation: 7, prune: true } })).toEqual({ kind: 'unassign', app: 'web', generation: 7, prune: true });
    expect(fromHubMessage({ assignmentsComplete: { apps: ['api', 'web'] } })).toEqual({ kind: 'assignmentsComplete', apps: ['api', 'web'] });
    expect(fromHubMessage({ command: { id: 'c1', checkDrift: { app: '' } } })).toEqual({ kind: 'checkDrift', commandId: 'c1', app: undefined });
    expect(fromHubMessage({ command: { id: 'c2', checkDrift: { app: 'web' } } })).toEqual({ kind: 'checkDrift', commandId: 'c2', app: 'web' });
    const expiresAt = new Date('2026-01-02T03:04:05.678Z');
    expect(fromHubMessage({ credentialRotation: { credential: 'flc_new', previousExpiresAt: toTimestamp(expiresAt) } })).toEqual({
      kind: 'credentialRotation',
      credential: 'flc_new',
      previousExpiresAt: expiresAt,
    });
    const assign = fromHubMessage({ assignment: { app: 'web', generation: 3, revision: 'main@sha1:abc', path: 'web', variables: {}, defaultNamespace: '', pinned: false } });
    expect(assign?.kind === 'assign' && [assign.assignment.app, assign.assignment.generation, assign.assignment.defaultNamespace]).toEqual(['web', 3, 'default']);
  });

  it('takes the artifact an assignment names, and never the Git credentials an older hub sends', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const source = { url: 'https://git.example/fleet.git', ref: 'main', commit: 'c'.repeat(40), credentials: { username: 'deploy', password: 'git-password' } };
    const assign = fromHubMessage({ assignment: { app: 'web', generation: 3, source, revision: 'main@sha1:cc', path: 'web', variables: {}, defaultNamespace: 'apps', pinned: false, artifact: { digest, size: 1234 } } });
    expect(assign?.kind === 'assign' && assign.assignment).toMatchObject({ artifact: { digest, size: 1234 }, source: { url: source.url, ref: 'main', commit: source.commit }, defaultNamespace: 'apps' });
    expect(JSON.stringify(assign)).not.toContain('git-password');
    const unrendered = fromHubMessage({ assignment: { app: 'web', generation: 3, revision: 'main@sha1:cc', path: 'web', variables: {}, defaultNamespace: '', pinned: false } });
    expect(unrendered?.kind === 'assign' && 'artifact' in unrendered.assignment).toBe(false);
  });

  it('ignores a message that carries nothing the agent knows', () => {
    expect(fromHubMessage({})).toBeUndefined();
  });

  it('gives each message for the hub its wire form', () => {
    expect(toAgentMessage({ kind: 'ack', app: 'web', generation: 4 })).toEqual({ ack: { app: 'web', generation: 4 } });
    expect(toAgentMessage({ kind: 'commandResult', commandId: 'c1', ok: true })).toEqual({ commandResult: { id: 'c1', ok: true } });
    const drift = toAgentMessage({ kind: 'drift', report: { app: 'web', generation: 2, objects: [], cleared: [], full: true } });
    expect(drift.drift).toMatchObject({ app: 'web', generation: 2, full: true });
  });
});
