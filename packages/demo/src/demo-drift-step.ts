import type { DriftView } from '@flotilla/api';
import { formatDriftDiffs, formatLooseTable } from '@flotilla/cli';
import { DEMO_APP, type DemoSession } from './demo-session.js';

const DRIFT_TIMEOUT_MS = 30_000;

/** The field manager `kubectl patch` writes as when no --field-manager is given: the drift report should name it. */
export const KUBECTL_PATCH_MANAGER = 'kubectl-patch';

/** Step: edit a managed object by hand and watch the agent report and correct it (hubs with drift detection). */
export async function showDrift(session: DemoSession, hasDrift: boolean): Promise<void> {
  const { narrator } = session;
  await narrator.step(
    'Drift: someone edits a cluster by hand',
    `Change the greeting ConfigMap directly in one cluster with kubectl patch. The agent watches what it applied, reports the difference (which fields, and which field manager: kubectl patch writes as "${KUBECTL_PATCH_MANAGER}") and, as this app's drift policy is "correct", puts Git's version back.`,
  );
  if (!hasDrift) {
    narrator.skip('skipped: this hub has no drift detection yet (GET /api/v1/drift answers 404); a newer hub shows it here');
    await narrator.pause();
    return;
  }
  const cluster = session.clusters[session.clusters.length - 1] as string;
  const expected = await session.liveMessage(cluster);
  narrator.command(await session.runKubectl(cluster, ['-n', 'hello', 'patch', 'configmap', 'greeting', '-p', '{"data":{"message":"edited by hand"}}']));

  session.isPrinting = true;
  let items: Array<Record<string, unknown>> = [];
  const seenOnStream = (): Array<Record<string, unknown>> => session.driftSeen.filter((item) => item.cluster === cluster);
  try {
    await session.waitUntil(
      `drift on ${cluster} to be reported`,
      async () => {
        items = await session.listDrift(cluster);
        return items.length > 0 || seenOnStream().length > 0 || (await session.liveMessage(cluster)) === expected;
      },
      DRIFT_TIMEOUT_MS,
    );
  } finally {
    session.isPrinting = false;
  }
  const columns = ['app', 'cluster', 'object', 'kind', 'name', 'fields', 'manager', 'action', 'detectedAt'];
  const reported = items.length > 0 ? items : seenOnStream();
  if (items.length > 0) {
    narrator.ok(`the agent on ${cluster} reported the drift`);
    narrator.command(`flotilla drift ${DEMO_APP}`);
    const withFields = items.map((item) => (Array.isArray(item.diffs) ? { ...item, fields: (item.diffs as Array<{ path: string }>).map((diff) => diff.path) } : item));
    narrator.block(formatLooseTable(withFields, columns, narrator.style));
    // What the hub lists is DriftView (filtered here only for older hubs): each field as path: desired -> live.
    if (items.every((item) => Array.isArray(item.diffs))) narrator.block(formatDriftDiffs(items as unknown as DriftView[], narrator.style));
  } else if (reported.length > 0) {
    // Corrected before the list was read: GET /api/v1/drift holds only drift that is still there; the stream told it all.
    narrator.ok(`the agent on ${cluster} reported the drift (from the status stream; corrected drift leaves "flotilla drift" and stays in the audit log)`);
    narrator.block(formatLooseTable(reported, columns, narrator.style));
  }
  const managers = [...new Set(reported.map((item) => String(item.manager)))];
  if (managers.length === 1 && managers[0] === KUBECTL_PATCH_MANAGER) narrator.ok(`the drift names ${KUBECTL_PATCH_MANAGER}, the field manager of the kubectl patch above`);
  else if (reported.length > 0) narrator.fail(`the drift names the manager ${managers.join(', ')}, not ${KUBECTL_PATCH_MANAGER} (the field manager of kubectl patch)`);
  await narrator.pause();
  const restored = await session
    .waitUntil(`the drift on ${cluster} to be corrected`, async () => (await session.liveMessage(cluster)) === expected, DRIFT_TIMEOUT_MS)
    .then(() => true)
    .catch(() => false);
  if (restored) narrator.ok(`corrected: ${cluster} serves "${expected}" again, as Git says`);
  else narrator.fail(`${cluster} still serves the hand edit after ${DRIFT_TIMEOUT_MS / 1000} s (see the agent log)`);
  await narrator.pause();
}
