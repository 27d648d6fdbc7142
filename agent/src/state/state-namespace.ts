import { FlotillaError } from '@flotilla/core';
import { APPLY_PATCH, httpStatusOf, type KubeClient, mapApiError } from '@flotilla/kube';

/** What ensureStateNamespace found. */
export type StateNamespaceOutcome = 'exists' | 'created' | 'unknown';

/**
 * Makes sure the namespace of the agent's state exists, asking for no more than it needs: a namespace that can be read
 * and exists is left alone (no write, so `patch` on namespaces is not needed), a missing one is created (server-side
 * apply: `patch` on that namespace), and one the agent may not even read is taken to exist ("unknown"): its state Role
 * is all the agent needs then, and a namespace that is really missing fails the first state write, naming it. Only a
 * namespace known to be missing that the agent may not create stops it, with an error naming the permission.
 */
export async function ensureStateNamespace(client: KubeClient, name: string): Promise<StateNamespaceOutcome> {
  try {
    await client.request({ method: 'GET', path: `/api/v1/namespaces/${name}` });
    return 'exists';
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 403) return 'unknown';
    if (status !== 404) throw mapApiError(error, { object: `Namespace/${name}`, verb: 'get' });
  }
  try {
    await client.request({
      method: 'PATCH',
      path: `/api/v1/namespaces/${name}`,
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'flotilla' } } },
      contentType: APPLY_PATCH,
      query: { fieldManager: 'flotilla', force: 'true' },
    });
    return 'created';
  } catch (error) {
    if (httpStatusOf(error) !== 403) throw mapApiError(error, { object: `Namespace/${name}`, verb: 'create' });
    throw new FlotillaError('PERMISSION_DENIED', `the state namespace "${name}" does not exist and the agent may not create it (it needs patch on namespaces "${name}"): create the namespace, or grant that`, {
      data: { object: `Namespace/${name}`, verb: 'patch', status: 403, reason: 'Forbidden' },
      cause: error,
    });
  }
}
