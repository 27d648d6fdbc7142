import { type AgentMessage, fromTimestamp, type HubMessage } from '@flotilla/proto';
import type { AgentHello, InboundMessage, OutboundMessage } from '../assignment/hub-messages.js';
import { fromAssignmentMessage, toStatusReport } from './assignment-mapping.js';
import { toDriftReport } from './drift-mapping.js';

// The agent-side edge between the stream's messages and the agent's own: nothing past wire/ sees a generated type.

/** The agent's form of a message from the hub; undefined for one that carries nothing this agent knows. */
export function fromHubMessage(message: HubMessage): InboundMessage | undefined {
  if (message.assignment) return { kind: 'assign', assignment: fromAssignmentMessage(message.assignment) };
  if (message.unassignment) {
    const { app, generation, prune } = message.unassignment;
    return { kind: 'unassign', app, generation: Number(generation), prune };
  }
  if (message.assignmentsComplete) return { kind: 'assignmentsComplete', apps: message.assignmentsComplete.apps };
  if (message.command?.checkDrift) return { kind: 'checkDrift', commandId: message.command.id, app: message.command.checkDrift.app || undefined };
  if (message.credentialRotation) {
    const { credential, previousExpiresAt } = message.credentialRotation;
    return { kind: 'credentialRotation', credential, previousExpiresAt: fromTimestamp(previousExpiresAt) ?? undefined };
  }
  if (message.command?.resync) return { kind: 'resync', commandId: message.command.id };
  if (message.command?.reconcileNow) return { kind: 'reconcileNow', commandId: message.command.id, app: message.command.reconcileNow.app };
  return undefined;
}

/** What a message from the hub concerns, as log fields (app, generation, revision), for a line about handling it. */
export function logFieldsOf(message: HubMessage): { app?: string; generation?: number; revision?: string } {
  if (message.assignment) return { app: message.assignment.app, generation: Number(message.assignment.generation), revision: message.assignment.revision };
  if (message.unassignment) return { app: message.unassignment.app, generation: Number(message.unassignment.generation) };
  if (message.command?.checkDrift?.app) return { app: message.command.checkDrift.app };
  return {};
}

/** The wire form of a message for the hub. */
export function toAgentMessage(message: OutboundMessage): AgentMessage {
  switch (message.kind) {
    case 'status':
      return { status: toStatusReport(message.report) };
    case 'ack':
      return { ack: { app: message.app, generation: message.generation } };
    case 'drift':
      return { drift: toDriftReport(message.report) };
    case 'commandResult':
      return { commandResult: { id: message.commandId, ok: message.ok, ...(message.error ? { error: { ...message.error, file: '', line: 0 } } : {}) } };
    default:
      return message satisfies never;
  }
}

/** The wire form of the agent's hello. */
export function toHelloMessage(hello: AgentHello, bufferedReports: number, droppedReports: number): AgentMessage {
  return { hello: { ...hello, bufferedReports, droppedReports } };
}
