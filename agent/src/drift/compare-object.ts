import { detectDrift, type DriftFinding, type IgnoredFields, type KubeObject } from '@flotilla/core';
import type { ResourceManager } from '@flotilla/kube';

/** What comparing one object found: the live object compared, and its drift (none when it matches). */
export interface Comparison {
  live: KubeObject | undefined;
  drift: (DriftFinding & { deleted: boolean }) | undefined;
}

/**
 * Compares an object with its desired state: a server-side dry-run apply of the desired object against the live one at
 * the same resourceVersion (`live` is used when it is that one; otherwise it is read), then detectDrift on the fields
 * the manager owns, ignored fields aside. A missing object (or namespace, or kind) is drift: deleted.
 */
export async function compareObject(manager: ResourceManager, desired: KubeObject, live: KubeObject | undefined, ignored: IgnoredFields): Promise<Comparison> {
  const result = await manager.diff(desired, live ? { live } : {});
  if (!result.live || !result.dryRun) return { live: undefined, drift: { deleted: true, diffs: [], manager: '' } };
  const finding = detectDrift(result.dryRun, result.live, { fieldManager: manager.fieldManager, ignore: ignored.pointers });
  return { live: result.live, drift: finding.diffs.length > 0 ? { deleted: false, ...finding } : undefined };
}
