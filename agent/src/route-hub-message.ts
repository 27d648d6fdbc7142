import type { InboundMessage } from './assignment/hub-messages.js';
import type { DriftMonitor } from './drift/drift-monitor.js';
import type { AgentIdentity } from './identity/agent-identity.js';
import type { Reconciler } from './reconciler/reconciler.js';
import type { HubConnection } from './wire/hub-connection.js';

/** Where the messages of the hub go. */
export interface HubMessageTargets {
  reconciler: Pick<Reconciler, 'assign' | 'unassign' | 'reconcileAssignedSet'>;
  drift: Pick<DriftMonitor, 'checkNow'>;
  identity: Pick<AgentIdentity, 'rotate'>;
  connection: Pick<HubConnection, 'send' | 'setCredential'>;
  /** An App left this cluster: its last report is not sent again on reconnect. */
  forgetLastReport(app: string): void;
}

/**
 * Hands one message of the hub to the part of the agent that acts on it: assignments to the reconciler (which reports
 * through the connection, and hands what it applied to the drift monitor), drift checks to the drift monitor, a new
 * credential to the identity. Every kind is handled here: a new one fails the build until it is.
 */
export async function routeHubMessage(message: InboundMessage, targets: HubMessageTargets): Promise<void> {
  const { reconciler, drift, identity, connection } = targets;
  switch (message.kind) {
    case 'assign':
      await reconciler.assign(message.assignment);
      return;
    case 'unassign':
      targets.forgetLastReport(message.app);
      reconciler.unassign(message.app, message.generation, message.prune);
      return;
    case 'assignmentsComplete':
      reconciler.reconcileAssignedSet(message.apps);
      return;
    case 'checkDrift': {
      const { commandId } = message;
      // Not awaited: a full comparison must not hold up the messages behind it.
      void drift.checkNow(message.app).then(() => connection.send({ kind: 'commandResult', commandId, ok: true }));
      return;
    }
    case 'credentialRotation':
      await identity.rotate(message.credential, message.previousExpiresAt);
      connection.setCredential(message.credential);
      return;
    case 'resync':
    case 'reconcileNow':
      // The hub sends neither command yet; the agent has never acted on them (the stream resends everything on connect).
      return;
    default:
      message satisfies never;
  }
}
