import { Injectable } from '@nestjs/common';
import { concatMap, from, Observable, type Subscriber } from 'rxjs';
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

/**
 * The hub end of an agent stream: authenticates the agent, opens its session on its hello (sending every current
 * assignment), hands each later message to the router, and releases the session when the stream ends. Errors end the
 * stream: StreamClosed says why; anything else is internal.
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
  connect(messages: Observable<AgentMessage>, token: string | undefined): Observable<HubMessage> {
    return new Observable<HubMessage>((subscriber) => {
      const authenticated = this.authenticate(token);
      authenticated.catch(() => undefined);
      let session: AgentSession | undefined;
      let finished = false;
      const finish = (error?: unknown): void => {
        if (finished) return;
        finished = true;
        if (session) void this.presence.disconnected(session);
        if (error) subscriber.error(error);
        else subscriber.complete();
      };
      const incoming = messages
        .pipe(
          concatMap((message) =>
            from(
              (async () => {
                if (finished) return;
                if (!session) {
                  session = await this.open(await authenticated, message, subscriber, finish);
                  return;
                }
                await this.router.route(session, message);
              })(),
            ),
          ),
        )
        .subscribe({ error: (error) => finish(error), complete: () => finish() });
      return () => {
        incoming.unsubscribe();
        finish();
      };
    });
  }

  private async authenticate(token: string | undefined): Promise<StreamIdentity> {
    if (!token) throw new StreamClosed('unauthenticated', 'missing credential: send "authorization: Bearer <cluster credential>"');
    const check = await this.credentials.authenticate(token);
    if ('refused' in check) throw new StreamClosed('unauthenticated', check.refused);
    return check;
  }

  private async open(identity: StreamIdentity, first: AgentMessage, subscriber: Subscriber<HubMessage>, finish: (error?: unknown) => void): Promise<AgentSession> {
    const { cluster } = identity;
    if (first.kind !== 'hello') throw new StreamClosed('invalid-argument', 'the first message of a stream must be AgentHello');
    if (first.cluster !== cluster) throw new StreamClosed('permission-denied', `credential belongs to cluster "${cluster}", not "${first.cluster}"`);
    const session = this.registry.add({
      cluster,
      credentialHash: identity.hash,
      credentialExpiresAt: identity.expiresAt?.getTime() ?? null,
      lastHeartbeatAt: Date.now(),
      send: (message) => subscriber.next(message),
      close: (error) => finish(error),
    });
    await this.presence.connected(session, first);
    await this.pusher.sendAll(session);
    return session;
  }
}
