import { Injectable } from '@nestjs/common';
import { ClusterCredentials } from '../identity/cluster-credentials.service.js';
import type { AgentMessage, HubMessage } from './agent-messages.js';
import { AgentMessageRouter } from './agent-message-router.js';
import { AgentPresence } from './agent-presence.js';
import { type AgentSession, AgentSessionRegistry } from './agent-session-registry.js';
import { AssignmentPusher } from './assignment-pusher.js';
import { StreamClosed } from './stream-closed.js';

/** The cluster a stream's credential belongs to. */
interface StreamIdentity {
  cluster: string;
  hash: string;
  expiresAt: Date | null;
}

/** What the transport gives a stream: a way to send a message, and to end the stream (with why, or cleanly). */
export interface AgentStreamPort {
  send(message: HubMessage): void;
  end(error?: unknown): void;
}

/** What the transport tells a stream: each message as it arrives, and that the agent's side ended. */
export interface AgentStream {
  receive(message: AgentMessage): void;
  closed(): void;
}

/**
 * The hub end of an agent stream: authenticates the agent, opens its session on its hello (sending every current
 * assignment), hands each later message to the router in order, and releases the session when the stream ends.
 * Errors end the stream: StreamClosed says why; anything else is internal.
 *
 * A stream holds one session, one promise chain and the transport's port: at 10,000 streams per replica every
 * object kept per stream counts (test/bench/README.md, fanout).
 */
@Injectable()
export class AgentConnections {
  constructor(
    private readonly credentials: ClusterCredentials,
    private readonly registry: AgentSessionRegistry,
    private readonly presence: AgentPresence,
    private readonly pusher: AssignmentPusher,
    private readonly router: AgentMessageRouter,
  ) {}

  /** Serves one stream; `token` is the bearer credential it was opened with. */
  connect(token: string | undefined, port: AgentStreamPort): AgentStream {
    let session: AgentSession | undefined;
    let finished = false;
    const finish = (error?: unknown): void => {
      if (finished) return;
      finished = true;
      if (session) void this.presence.disconnected(session);
      port.end(error);
    };
    const authenticated = this.authenticate(token);
    // Refused credentials end the stream at once, before any message.
    authenticated.catch((error: unknown) => finish(error));
    // Messages are handled one after the other, in the order they came.
    let queue: Promise<unknown> = authenticated;
    return {
      receive: (message) => {
        queue = queue.then(async () => {
          if (finished) return;
          if (session) return this.router.route(session, message);
          if (message.kind !== 'hello') throw new StreamClosed('invalid-argument', 'the first message of a stream must be AgentHello');
          // Registered before anything is awaited: a stream that ends meanwhile is released like any other.
          session = this.register(await authenticated, message, port, finish);
          await this.presence.connected(session, message);
          await this.pusher.sendAll(session);
        }).catch((error: unknown) => finish(error));
      },
      closed: () => finish(),
    };
  }

  private async authenticate(token: string | undefined): Promise<StreamIdentity> {
    if (!token) throw new StreamClosed('unauthenticated', 'missing credential: send "authorization: Bearer <cluster credential>"');
    const check = await this.credentials.authenticate(token);
    if ('refused' in check) throw new StreamClosed('unauthenticated', check.refused);
    return check;
  }

  /** Checks the hello of a stream and registers its session, replacing an older stream of its cluster. */
  private register(identity: StreamIdentity, first: Extract<AgentMessage, { kind: 'hello' }>, port: AgentStreamPort, finish: (error?: unknown) => void): AgentSession {
    const { cluster } = identity;
    if (first.cluster !== cluster) throw new StreamClosed('permission-denied', `credential belongs to cluster "${cluster}", not "${first.cluster}"`);
    return this.registry.add({
      cluster,
      credentialHash: identity.hash,
      credentialExpiresAt: identity.expiresAt?.getTime() ?? null,
      lastHeartbeatAt: Date.now(),
      send: port.send,
      close: finish,
    });
  }
}
