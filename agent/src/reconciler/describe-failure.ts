import { type ArtifactSource, FlotillaError, type ObjectRef } from '@flotilla/core';
import { ArtifactError } from '../assignment/artifact-error.js';
import type { ReportError } from '../assignment/reconcile-report.js';

/**
 * Turns whatever a reconcile step threw into report errors, each with a stable code and what it concerns; `sourceOf`
 * gives the file and line an object (`Kind/namespace/name`) came from, when known.
 */
export function describeFailure(error: unknown, sourceOf: (objectId: string) => ArtifactSource | undefined = () => undefined): ReportError[] {
  if (error instanceof ArtifactError) return [{ code: error.code, message: error.message }];
  if (FlotillaError.is(error, 'RENDER_FAILED')) {
    const details = (error.data.errors ?? []) as Array<{ code: string; message: string; file: string; line: number; object?: ObjectRef }>;
    if (details.length === 0) return [{ code: error.code, message: error.message }];
    return details.map((d) => ({ code: d.code, message: d.message, file: d.file, line: d.line, ...(d.object ? { object: d.object } : {}) }));
  }
  if (FlotillaError.is(error) && Array.isArray(error.data.failures)) {
    // DRY_RUN_FAILED (or a transient code): one error per object that failed, the first carrying the outcome.
    const failures = error.data.failures as Array<{ object: string; message: string; code: string }>;
    const at = (f: { object: string } | undefined) => {
      const source = f ? sourceOf(f.object) : undefined;
      return source ? { file: source.file, line: source.line } : {};
    };
    return [{ code: error.code, message: error.message, ...at(failures[0]) }, ...failures.slice(1).map((f) => ({ code: error.code, message: f.message, ...at(f) }))];
  }
  if (FlotillaError.is(error)) return [{ code: error.code, message: error.message }];
  return [{ code: 'INTERNAL', message: (error as Error)?.message ?? String(error) }];
}
