import type { StatusReport } from '@flotilla/proto';

/** Limits of the fields of a status report, as the database columns hold them. */
const LIMITS = { app: 63, reportId: 64, revision: 320, errors: 1000, inventory: 100_000, message: 16_384 } as const;

/**
 * Why a status report cannot be stored as it is (empty when it can): fields longer than their columns, or more
 * errors or inventory entries than a report can have. Such a report is dropped, not half-stored.
 */
export function findReportProblems(report: StatusReport): string[] {
  const problems: string[] = [];
  const text = (field: 'app' | 'reportId' | 'revision', value: unknown): void => {
    if (typeof value !== 'string') problems.push(`${field} is not a string`);
    else if (value.length > LIMITS[field]) problems.push(`${field} is longer than ${LIMITS[field]} characters`);
  };
  text('app', report.app);
  text('reportId', report.reportId);
  text('revision', report.revision);
  if (report.app === '') problems.push('app is empty');
  const errors = report.errors ?? [];
  if (errors.length > LIMITS.errors) problems.push(`more than ${LIMITS.errors} errors`);
  if (errors.some((error) => (error.message ?? '').length > LIMITS.message)) problems.push(`an error message is longer than ${LIMITS.message} characters`);
  if ((report.inventory ?? []).length > LIMITS.inventory) problems.push(`more than ${LIMITS.inventory} inventory entries`);
  if (!Number.isFinite(Number(report.generation)) || Number(report.generation) < 0) problems.push('generation is not a non-negative number');
  return problems;
}
