import { FlotillaError } from '@flotilla/core';
import { APPLY_PATCH, isNotFound, type KubeClient, mapApiError } from '@flotilla/kube';
import type { AgentAssignment } from '../assignment/agent-assignment.js';
import type { ReportError } from '../assignment/reconcile-report.js';

/** The agent rolled an App back by itself from this generation; it is not applied again until a newer one arrives. */
export interface RolledBack {
  generation: number;
  failedRevision: string;
  restoredRevision: string;
  reason: ReportError;
}

/** What the agent keeps, per App, to roll back without the hub. */
export interface RollbackState {
  /** The last assignment that became healthy here (its artifact stays stored in the cluster, to return to it). */
  healthy?: AgentAssignment;
  /** Set while the held generation is one the agent rolled back from. */
  rolledBack?: RolledBack;
}

/** Label on every rollback Secret (written by agents since artifacts; older ones are found by name). */
export const ROLLBACK_LABEL = 'flotilla.dev/rollback';

/**
 * Keeps each App's RollbackState in the cluster, beside its assignment, so a restarted agent still knows what to
 * return to and what not to apply again. A Secret per App (`flotilla-rollback-<app>`), as the assignments are.
 */
export class RollbackStore {
  constructor(
    private readonly client: KubeClient,
    readonly namespace: string,
    private readonly fieldManager = 'flotilla',
  ) {}

  /** The App's state; empty when none is stored. */
  async load(app: string): Promise<RollbackState> {
    const name = this.nameOf(app);
    let secret: { data?: Record<string, string> };
    try {
      secret = await this.client.request({ method: 'GET', path: this.pathOf(name) });
    } catch (error) {
      if (isNotFound(error)) return {};
      throw mapApiError(error, { object: this.idOf(name), verb: 'get' });
    }
    try {
      return JSON.parse(Buffer.from(secret.data?.state ?? '', 'base64').toString('utf8')) as RollbackState;
    } catch (cause) {
      throw new FlotillaError('INVALID_INVENTORY', `${this.idOf(name)}: the stored rollback state is not valid JSON; delete it (the next healthy revision writes it again)`, {
        data: { object: this.idOf(name) },
        cause,
      });
    }
  }

  /** Writes the App's state (server-side apply); the state namespace must exist. */
  async save(app: string, state: RollbackState): Promise<void> {
    const name = this.nameOf(app);
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: this.namespace, labels: { 'app.kubernetes.io/managed-by': 'flotilla', [ROLLBACK_LABEL]: 'true' }, annotations: { 'flotilla.dev/app': app } },
      type: 'Opaque',
      data: { state: Buffer.from(JSON.stringify(state)).toString('base64') },
    };
    try {
      await this.client.request({ method: 'PATCH', path: this.pathOf(name), body: secret, contentType: APPLY_PATCH, query: { fieldManager: this.fieldManager, force: 'true' } });
    } catch (error) {
      throw mapApiError(error, { object: this.idOf(name), verb: 'apply' });
    }
  }

  /**
   * Deletes the rollback states written by agents that fetched Git: their healthy assignment names no artifact (so
   * it cannot be returned to) and may hold the Source's credentials. Returns the Secrets deleted.
   */
  async removeGitEra(): Promise<Array<{ secret: string; hadCredentials: boolean }>> {
    let list: { items?: Array<{ metadata: { name: string }; data?: Record<string, string> }> };
    try {
      list = await this.client.request({ method: 'GET', path: `/api/v1/namespaces/${this.namespace}/secrets`, query: { labelSelector: 'app.kubernetes.io/managed-by=flotilla' } });
    } catch (error) {
      if (isNotFound(error)) return [];
      throw mapApiError(error, { object: `Secret/${this.namespace}`, verb: 'list' });
    }
    const removed: Array<{ secret: string; hadCredentials: boolean }> = [];
    for (const secret of list.items ?? []) {
      if (!secret.metadata.name.startsWith('flotilla-rollback-')) continue;
      let healthy: { artifact?: unknown; source?: { credentials?: unknown } } | undefined;
      try {
        healthy = (JSON.parse(Buffer.from(secret.data?.state ?? '', 'base64').toString('utf8')) as { healthy?: typeof healthy }).healthy;
      } catch {
        continue;
      }
      if (!healthy || (healthy.artifact !== undefined && healthy.source?.credentials === undefined)) continue;
      await this.remove(secret.metadata.name.slice('flotilla-rollback-'.length));
      removed.push({ secret: this.idOf(secret.metadata.name), hadCredentials: healthy.source?.credentials !== undefined });
    }
    return removed;
  }

  /** Forgets the App's state; a missing one is fine. */
  async remove(app: string): Promise<void> {
    try {
      await this.client.request({ method: 'DELETE', path: this.pathOf(this.nameOf(app)) });
    } catch (error) {
      if (!isNotFound(error)) throw mapApiError(error, { object: this.idOf(this.nameOf(app)), verb: 'delete' });
    }
  }

  private nameOf(app: string): string {
    return `flotilla-rollback-${app}`;
  }

  private pathOf(name: string): string {
    return `/api/v1/namespaces/${this.namespace}/secrets/${name}`;
  }

  private idOf(name: string): string {
    return `Secret/${this.namespace}/${name}`;
  }
}
