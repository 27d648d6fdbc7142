import type { KubeObject } from '@flotilla/core';

/** What a redacted value reads. */
export const REDACTED = '(redacted)';

/** An object as operators may read it: a core/v1 Secret keeps its keys but not its `data` and `stringData` values. */
export function redactSecrets(object: KubeObject): KubeObject {
  if (object.kind !== 'Secret' || object.apiVersion !== 'v1') return object;
  const redacted: KubeObject = { ...object };
  for (const field of ['data', 'stringData'] as const) {
    const values = object[field];
    if (values && typeof values === 'object' && !Array.isArray(values)) redacted[field] = Object.fromEntries(Object.keys(values).map((key) => [key, REDACTED]));
  }
  return redacted;
}
