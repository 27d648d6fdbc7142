import type { z } from 'zod';
import type { OperationSpec } from '../operations/operation-spec.js';

/** The answer of an operation: its response view, or nothing for 204. */
export type ResponseOf<O extends OperationSpec> = O['response'] extends z.ZodType ? z.output<O['response']> : void;

/** The body an operation takes, as a caller writes it (defaults may be left out). */
export type BodyOf<O extends OperationSpec> = O['body'] extends z.ZodType ? z.input<O['body']> : never;

/** The query an operation takes; every parameter may be left out. */
export type QueryOf<O extends OperationSpec> = O['query'] extends z.ZodType ? Partial<z.output<O['query']>> : never;

/** What a call of an operation sends. */
export interface CallInput {
  params?: Record<string, string | number>;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Ends the call early (the call then fails as unreachable). */
  signal?: AbortSignal;
}
