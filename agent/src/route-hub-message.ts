import type { InboundMessage } from './assignment/hub-messages.js';
import type { DriftMonitor } from './drift/drift-monitor.js';
import type { AgentIdentity } from './identity/agent-identity.js';
import type { Reconciler } from './reconciler/reconciler.js';
import type { HubConnection } from './wire/hub-connection.js';

/** Where the messages of the hub go. */
export interface HubMessageTargets {
  reconciler: Pick<Reconciler, 'assign' | 'unassign' | 'reconcileAssignedSet' | 'reconcileNow'>;
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
    case 'reconcileNow': {
      const { commandId, app } = message;
      // Not awaited: the reconcile, health wait included, must not hold up the messages behind it.
      void reconciler.reconcileNow(app).then((report) => {
        if (!report) connection.send({ kind: 'commandResult', commandId, ok: false, error: { code: 'NOT_FOUND', message: `app "${app}" is not assigned to this cluster (or was removed meanwhile)` } });
        else if (report.phase === 'Failed') connection.send({ kind: 'commandResult', commandId, ok: false, error: { code: report.errors[0]?.code ?? 'FAILED', message: report.errors[0]?.message ?? 'the reconcile failed' } });
        else connection.send({ kind: 'commandResult', commandId, ok: true });
      });
      return;
    }
    case 'resync':
      // The hub does not send it: the stream resends everything on connect, and the agent reports all it holds then.
      return;
    default:
      message satisfies never;
  }
}
