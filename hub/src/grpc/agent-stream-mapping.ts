import { status } from '@grpc/grpc-js';
import type { AgentMessage as WireAgentMessage, HubMessage as WireHubMessage } from '@flotilla/proto';
import { toTimestamp } from '@flotilla/proto';
import type { AgentMessage, HubMessage } from '../agents/agent-messages.js';
import type { StreamCloseReason } from '../agents/stream-closed.js';
import { StreamClosed } from '../agents/stream-closed.js';
import { toAssignmentMessage, toUnassignmentMessage, fromStatusReport } from './agent-wire-mapping.js';
import { fromDriftReport } from './drift-wire-mapping.js';
import { GrpcError } from './grpc-error.js';
import { findReportProblems } from './report-problems.js';

// The edge of AgentService.Connect: wire messages to the agents domain's messages and back, and why a stream closed
// to its gRPC status. Messages arrive through proto-loader: unset message fields are null.

/** The domain form of a message from an agent. */
export function fromAgentMessage(message: WireAgentMessage): AgentMessage {
  if (message.hello) {
    const { cluster, agentVersion, kubernetesVersion, droppedReports } = message.hello;
    return { kind: 'hello', cluster, agentVersion, kubernetesVersion, droppedReports: droppedReports ?? 0 };
  }
  if (message.heartbeat) return { kind: 'heartbeat', sequence: message.heartbeat.sequence };
  if (message.ack) return { kind: 'ack', app: message.ack.app, generation: Number(message.ack.generation) };
  if (message.status) {
    const problems = findReportProblems(message.status);
    return problems.length > 0 ? { kind: 'malformed-status', problems } : { kind: 'status', report: fromStatusReport(message.status) };
  }
  if (message.commandResult) {
    const { id, ok, error } = message.commandResult;
    return { kind: 'command-result', id, ok, error: error ? { code: error.code ?? '', message: error.message ?? '' } : null };
  }
  if (message.drift) return { kind: 'drift', report: fromDriftReport(message.drift) };
  return { kind: 'unknown' };
}

/** The wire form of a message to an agent. */
export function toHubMessage(message: HubMessage): WireHubMessage {
  switch (message.kind) {
    case 'hello': {
      const { cluster, hubVersion, heartbeatIntervalMs, heartbeatTimeoutMs, serverTime } = message;
      return { hello: { cluster, hubVersion, heartbeatIntervalMs, heartbeatTimeoutMs, serverTime: toTimestamp(serverTime), capabilities: [] } };
    }
    case 'heartbeat-ack':
      return { heartbeatAck: { sequence: message.sequence, receivedAt: toTimestamp(message.receivedAt) } };
    case 'assignment':
      return toAssignmentMessage(message.assignment);
    case 'unassignment':
      return toUnassignmentMessage(message.assignment);
    case 'assignments-complete':
      return { assignmentsComplete: { apps: message.apps } };
    case 'credential-rotation':
      return { credentialRotation: { credential: message.credential, previousExpiresAt: toTimestamp(message.previousExpiresAt) } };
    case 'command':
      return { command: { ...message.command, id: message.id } };
    default:
      return message satisfies never;
  }
}

const CLOSE_STATUS: Record<StreamCloseReason, status> = {
  unauthenticated: status.UNAUTHENTICATED,
  'permission-denied': status.PERMISSION_DENIED,
  'invalid-argument': status.INVALID_ARGUMENT,
  replaced: status.ABORTED,
  'shutting-down': status.UNAVAILABLE,
  'heartbeat-missed': status.DEADLINE_EXCEEDED,
};

/** The status an agent stream ends with: why the hub closed it, or INTERNAL with the error's message. */
export function toStreamGrpcError(error: unknown): GrpcError {
  if (error instanceof GrpcError) return error;
  if (error instanceof StreamClosed) return new GrpcError(CLOSE_STATUS[error.reason], error.message);
  return new GrpcError(status.INTERNAL, (error as Error).message);
}
