import type { WorkloadComponent } from './workload-components.js';

/** Why a Kubernetes test control plane could not be built, started or reached. */
export type ControlPlaneErrorCode = 'BUILD_FAILED' | 'EXITED_EARLY' | 'NOT_READY';

/** What the caller needs to diagnose a failure: which component, its log file and the end of that log. */
export interface ControlPlaneErrorData {
  component: 'build.sh' | 'helm/build.sh' | 'kwok/build.sh' | 'kustomize/build.sh' | 'grpcurl/build.sh' | 'etcd' | 'kube-apiserver' | WorkloadComponent;
  logPath?: string;
  logTail?: string;
}

/** The one error type of the Kubernetes test environment; callers branch on `code`. */
export class ControlPlaneError extends Error {
  override readonly name = 'ControlPlaneError';

  constructor(
    readonly code: ControlPlaneErrorCode,
    message: string,
    readonly data: ControlPlaneErrorData,
    options?: { cause?: unknown },
  ) {
    // The log tail goes into the message too: test runners print messages, not custom fields.
    super(data.logTail ? `${message}\n--- last lines of ${data.logPath ?? data.component} ---\n${data.logTail}` : message, options);
  }
}
