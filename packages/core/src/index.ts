// Pure reconcile logic: plain functions over data, no I/O (a lint rule enforces it).
export { ERROR_CODES, type ErrorCode, FlotillaError, type FlotillaErrorOptions } from './flotilla-error.js';
export { formatRevision, isCommitId, parseRevision, type Revision } from './revision.js';
