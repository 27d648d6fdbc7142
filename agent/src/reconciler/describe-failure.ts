import { FlotillaError, type ObjectRef } from '@flotilla/core';
import { GitError } from '@flotilla/git';
import type { ReportError } from '../assignment/reconcile-report.js';

/** Turns whatever a reconcile step threw into report errors, each with a stable code and what it concerns. */
export function describeFailure(error: unknown): ReportError[] {
  if (error instanceof GitError) return [{ code: `GIT_${error.code}`, message: error.message }];
  if (FlotillaError.is(error, 'RENDER_FAILED')) {
    const details = (error.data.errors ?? []) as Array<{ code: string; message: string; file: string; line: number; object?: ObjectRef }>;
    if (details.length === 0) return [{ code: error.code, message: error.message }];
    return details.map((d) => ({ code: d.code, message: d.message, file: d.file, line: d.line, ...(d.object ? { object: d.object } : {}) }));
  }
  if (FlotillaError.is(error) && Array.isArray(error.data.failures)) {
    // DRY_RUN_FAILED (or a transient code): one error per object that failed, the first carrying the outcome.
    const failures = error.data.failures as Array<{ object: string; message: string; code: string }>;
    return [{ code: error.code, message: error.message }, ...failures.slice(1).map((f) => ({ code: error.code, message: f.message }))];
  }
  if (FlotillaError.is(error)) return [{ code: error.code, message: error.message }];
  return [{ code: 'INTERNAL', message: (error as Error)?.message ?? String(error) }];
}
