import { FlotillaError } from '@flotilla/core';
import { APPLY_PATCH, isNotFound, type KubeClient, mapApiError } from '@flotilla/kube';
import type { AgentAssignment } from '../assignment/agent-assignment.js';

/** Label on every assignment Secret, so list() finds them. */
export const ASSIGNMENT_LABEL = 'flotilla.dev/assignment';

interface Secret {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  type?: string;
  data?: Record<string, string>;
}

/**
 * Keeps the agent's last assignment of each App in the cluster, so that an agent restarted while its hub is away
 * still knows what to enforce (with its artifact, kept by ArtifactStore). A Secret per App
 * (`flotilla-assignment-<app>`): assignments hold no credential any more, but agents before artifacts stored Git
 * credentials there, and removeGitEra() deletes those.
 */
export class AssignmentStore {
  constructor(
    private readonly client: KubeClient,
    readonly namespace: string,
    private readonly fieldManager = 'flotilla',
  ) {}

  /** Every stored assignment, by App name. */
  async list(): Promise<AgentAssignment[]> {
    return (await this.listSecrets()).map((secret) => this.read(secret)).sort((a, b) => (a.app < b.app ? -1 : a.app > b.app ? 1 : 0));
  }

  private async listSecrets(): Promise<Secret[]> {
    try {
      const list = await this.client.request<{ items?: Secret[] }>({
        method: 'GET',
        path: `/api/v1/namespaces/${this.namespace}/secrets`,
        query: { labelSelector: `${ASSIGNMENT_LABEL}=true` },
      });
      return list.items ?? [];
    } catch (error) {
      if (isNotFound(error)) return [];
      throw mapApiError(error, { object: `Secret/${this.namespace}`, verb: 'list' });
    }
  }

  /**
   * Deletes the assignments stored by agents that fetched Git (they name no artifact, and may hold the Source's
   * credentials): this agent cannot enforce them, and once they are gone the hub, seeing them missing from the
   * hello, sends their artifacts. Returns the Secrets deleted and whether each held credentials.
   */
  async removeGitEra(): Promise<Array<{ secret: string; hadCredentials: boolean }>> {
    const removed: Array<{ secret: string; hadCredentials: boolean }> = [];
    for (const secret of await this.listSecrets()) {
      let stored: Partial<AgentAssignment> & { source?: { credentials?: unknown } };
      try {
        stored = this.read(secret);
      } catch {
        continue;
      }
      if (stored.artifact !== undefined && stored.source?.credentials === undefined) continue;
      await this.remove(stored.app ?? secret.metadata.name.replace(/^flotilla-assignment-/, ''));
      removed.push({ secret: `Secret/${this.namespace}/${secret.metadata.name}`, hadCredentials: stored.source?.credentials !== undefined });
    }
    return removed;
  }

  /** Writes an App's assignment (server-side apply); the state namespace must exist. */
  async save(assignment: AgentAssignment): Promise<void> {
    const name = this.nameOf(assignment.app);
    const secret: Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name,
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'flotilla', [ASSIGNMENT_LABEL]: 'true' },
        annotations: { 'flotilla.dev/app': assignment.app },
      },
      type: 'Opaque',
      data: { assignment: Buffer.from(JSON.stringify(assignment)).toString('base64') },
    };
    try {
      await this.client.request({
        method: 'PATCH',
        path: this.pathOf(name),
        body: secret,
        contentType: APPLY_PATCH,
        query: { fieldManager: this.fieldManager, force: 'true' },
      });
    } catch (error) {
      throw mapApiError(error, { object: `Secret/${this.namespace}/${name}`, verb: 'apply' });
    }
  }

  /** Forgets an App's assignment; a missing one is fine. */
  async remove(app: string): Promise<void> {
    try {
      await this.client.request({ method: 'DELETE', path: this.pathOf(this.nameOf(app)) });
    } catch (error) {
      if (!isNotFound(error)) throw mapApiError(error, { object: `Secret/${this.namespace}/${this.nameOf(app)}`, verb: 'delete' });
    }
  }

  private read(secret: Secret): AgentAssignment {
    const id = `Secret/${this.namespace}/${secret.metadata.name}`;
    try {
      return JSON.parse(Buffer.from(secret.data?.assignment ?? '', 'base64').toString('utf8')) as AgentAssignment;
    } catch (cause) {
      throw new FlotillaError('INVALID_INVENTORY', `${id}: the stored assignment is not valid JSON; delete it and let the hub resend`, { data: { object: id }, cause });
    }
  }

  private nameOf(app: string): string {
    return `flotilla-assignment-${app}`;
  }

  private pathOf(name: string): string {
    return `/api/v1/namespaces/${this.namespace}/secrets/${name}`;
  }
}
