import { AsyncLocalStorage } from 'node:async_hooks';

/** What happened to the audit log during one REST call. */
export interface AuditScope {
  /** Set when the call's handler recorded an event itself. */
  recorded: boolean;
}

/** The audit scope of the REST call being handled, so the interceptor records a call the handler did not. */
export const auditScope = new AsyncLocalStorage<AuditScope>();
