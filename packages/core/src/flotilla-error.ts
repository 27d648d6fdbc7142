/**
 * The closed set of error codes. Callers branch on `code`; the REST and gRPC edges map each to a status in one
 * table. Add codes here, never ad-hoc strings elsewhere.
 */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'INVALID_REVISION',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'CONFLICT',
  'UNAUTHENTICATED',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'UNAVAILABLE',
  'INTERNAL',
  // Manifests of a revision could not be rendered; `data.errors` lists every RenderErrorDetail.
  'RENDER_FAILED',
  // A manifest is not valid YAML/JSON or not a valid Kubernetes object.
  'INVALID_MANIFEST',
  // Two manifests declare the same object (group, kind, namespace, name).
  'DUPLICATE_OBJECT',
  // A manifest refers to a `${variable}` the App does not define.
  'UNKNOWN_VARIABLE',
  // A manifest file is larger than allowed, nests too deeply, or its YAML aliases expand too far.
  'MANIFEST_TOO_LARGE',
  // A stored inventory cannot be decoded.
  'INVALID_INVENTORY',
  // The server-side dry-run of a revision rejected objects, so none was applied; `data.failures` lists every
  // `{ object, message, code }`.
  'DRY_RUN_FAILED',
  // The API server refused writes whose dry-run had passed (an admission webhook, a quota, a conflict); every write of
  // that apply was undone. `data.failures` as for DRY_RUN_FAILED; `data.undone` and `data.notUndone` what was put back.
  'APPLY_FAILED',
  // An artifact's bytes do not match its digest, or are not an artifact.
  'INVALID_ARTIFACT',
] as const;

/** A stable, machine-readable error code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Options of a FlotillaError: typed data for callers and the underlying cause. */
export interface FlotillaErrorOptions {
  data?: Record<string, unknown>;
  cause?: unknown;
}

/** The one error type of Flotilla: a stable `code`, typed `data`, a `cause`, and a message for people. */
export class FlotillaError extends Error {
  readonly data: Record<string, unknown>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: FlotillaErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'FlotillaError';
    this.data = options.data ?? {};
  }

  /** Whether a value is a FlotillaError, optionally with a given code. */
  static is(value: unknown, code?: ErrorCode): value is FlotillaError {
    return value instanceof FlotillaError && (code === undefined || value.code === code);
  }
}
