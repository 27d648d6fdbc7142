import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RepositoryCache } from '@flotilla/git';
import { InventoryStore, KubeClient, ResourceManager } from '@flotilla/kube';
import { type ControlPlane, type GitServer, startControlPlane, startGitServer } from '@flotilla/testenv';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentAssignment } from '../assignment/agent-assignment.js';
import { reconcileApp, type ReconcileContext } from './reconcile-app.js';
import type { ReconcileReport } from '../assignment/reconcile-report.js';

describe('reconcileApp reports fetch failures as such and applies nothing', () => {
  let plane: ControlPlane;
  let git: GitServer;
  let client: KubeClient;
  let context: ReconcileContext;
  let commit: string;
  const reports: ReconcileReport[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-reconcile-'));

  const assignment = (source: Partial<AgentAssignment['source']>): AgentAssignment => ({
    app: 'web',
    generation: 1,
    source: { url: git.repoUrl('fleet'), ref: 'main', commit, credentials: { username: 'agent', password: 'secret-password' }, ...source },
    revision: `main@sha1:${source.commit ?? commit}`,
    path: 'web',
    variables: {},
    defaultNamespace: 'default',
    policy: { prune: true, driftMode: 'report', healthTimeoutMs: 5_000, autoRollback: false, driftCheckIntervalMs: 0 },
    pinned: false,
  });

  beforeAll(async () => {
    [plane, git] = await Promise.all([startControlPlane(), startGitServer({ auth: { username: 'agent', password: 'secret-password' } })]);
    commit = (await git.createRepository('fleet', { 'web/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n' })).commit;
    client = new KubeClient({ kubeConfig: plane.kubeConfig('admin') });
    context = {
      manager: new ResourceManager({ client }),
      inventories: new InventoryStore({ client }),
      repositories: new RepositoryCache({ dir }),
      logger: pino({ level: 'silent' }),
      report: (report) => reports.push(report),
    };
  });
  afterAll(async () => {
    client?.close();
    await Promise.all([plane?.stop(), git?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (source: Partial<AgentAssignment['source']>) => {
    const report = await reconcileApp(context, assignment(source), new AbortController().signal);
    expect(report.phase).toBe('Failed');
    expect(await context.inventories.load('web')).toBeUndefined();
    await expect(client.request({ method: 'GET', path: '/api/v1/namespaces/default/configmaps/settings' })).rejects.toThrow();
    return report.errors[0];
  };

  it('says the Git server is unreachable', async () => {
    expect(await run({ url: 'http://127.0.0.1:1/fleet.git' })).toMatchObject({ code: 'GIT_UNREACHABLE' });
  });

  it('says the credentials were refused, without repeating them', async () => {
    const error = await run({ credentials: { username: 'agent', password: 'wrong-password' } });
    expect(error).toMatchObject({ code: 'GIT_UNAUTHORIZED' });
    expect(JSON.stringify(reports)).not.toContain('wrong-password');
  });

  it('says the commit does not exist', async () => {
    expect(await run({ commit: 'f'.repeat(40) })).toMatchObject({ code: 'GIT_COMMIT_NOT_FOUND' });
  });

  it('applies the commit once the source is right, and reports the change set', async () => {
    const report = await reconcileApp(context, assignment({}), new AbortController().signal);
    expect(report).toMatchObject({ phase: 'Synced', health: 'Healthy', summary: { created: 1 } });
    expect(reports.at(-2)).toMatchObject({ phase: 'Synced', health: 'Progressing' });
  });
});
