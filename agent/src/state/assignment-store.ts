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
 * still knows what to enforce. A Secret per App (`flotilla-assignment-<app>`), since assignments carry Git credentials.
 */
export class AssignmentStore {
  constructor(
    private readonly client: KubeClient,
    readonly namespace: string,
    private readonly fieldManager = 'flotilla',
  ) {}

  /** Every stored assignment, by App name. */
  async list(): Promise<AgentAssignment[]> {
    try {
      const list = await this.client.request<{ items?: Secret[] }>({
        method: 'GET',
        path: `/api/v1/namespaces/${this.namespace}/secrets`,
        query: { labelSelector: `${ASSIGNMENT_LABEL}=true` },
      });
      return (list.items ?? []).map((secret) => this.read(secret)).sort((a, b) => (a.app < b.app ? -1 : a.app > b.app ? 1 : 0));
    } catch (error) {
      if (isNotFound(error)) return [];
      throw mapApiError(error, { object: `Secret/${this.namespace}`, verb: 'list' });
    }
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
