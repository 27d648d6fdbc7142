import * as grpc from '@grpc/grpc-js';
import { type AgentMessage, AgentServiceClient, DEFAULT_MAX_MESSAGE_BYTES, type HubMessage, toTimestamp } from '@flotilla/proto';
import type { Logger } from 'pino';
import type { ArtifactRef } from '../assignment/agent-assignment.js';
import { ArtifactError } from '../assignment/artifact-error.js';
import type { AgentHello, InboundMessage, OutboundMessage } from '../assignment/hub-messages.js';
import { Backoff } from './backoff.js';
import { fetchArtifact } from './fetch-artifact.js';
import { fromHubMessage, logFieldsOf, toAgentMessage, toHelloMessage } from './hub-message-mapping.js';
import { Outbox } from './outbox.js';
import { OutboxJournal, type OutboxStorage } from './outbox-journal.js';

/** What the connection needs from the rest of the agent. */
export interface HubConnectionHandlers {
  /** The hello's view of what the agent holds, asked for on every connect. */
  hello(): AgentHello;
  /** Called after each hello from the hub, once the outbox is flushed. */
  onConnected?(): void;
  /** Every message the hub sends after its hello, in the agent's own types (in order: the next waits for this one). */
  onMessage(message: InboundMessage): Promise<void> | void;
}

/** Options of a HubConnection. */
export interface HubConnectionOptions {
  /** `host:port` of the hub's gRPC services. */
  address: string;
  /** The cluster credential, sent as `authorization: Bearer …`; or set later with setCredential(), before start(). */
  credential?: string;
  /** Channel credentials (see identity/channel-credentials.ts); default plaintext. */
  channelCredentials?: grpc.ChannelCredentials;
  /** Extra client options, such as a TLS server name override. */
  channelOptions?: grpc.ClientOptions;
  handlers: HubConnectionHandlers;
  logger: Logger;
  /** Reports kept while the hub is unreachable; default 1000. */
  outboxLimit?: number;
  /** Where the outbox is kept across restarts (written in batches, see OutboxJournal); default: in memory only. */
  outboxStorage?: OutboxStorage;
  /** Delay of a batch of outbox writes; default 1 s. */
  outboxWriteDelayMs?: number;
  /** Longest wait between two dials of the hub (grpc-js's reconnect backoff), and between two streams; default 5 s. */
  reconnectBackoffMaxMs?: number;
  /** The delays before a new stream after one ended; default exponential from 500 ms up to reconnectBackoffMaxMs, with full jitter. */
  backoff?: Backoff;
  maxMessageBytes?: number;
}

/** The default of HubConnectionOptions.reconnectBackoffMaxMs. */
export const DEFAULT_RECONNECT_BACKOFF_MAX_MS = 5_000;

/**
 * The agent's one stream to the hub: dials out, says hello, handles what arrives in order, sends heartbeats, and
 * reconnects with exponential backoff and full jitter, capped at reconnectBackoffMaxMs, whenever the stream ends.
 * Reports and acks wait in a bounded outbox while the hub is away and are delivered, oldest first, after the next
 * hello. They stay in the outbox until the hub has handled them, and the outbox is written through to outboxStorage,
 * so a restarted agent still delivers them. The hub handles the messages of a stream in order and answers a heartbeat
 * when it comes to it, so the answer to a heartbeat sent after some messages confirms them all: a heartbeat follows
 * each batch of messages at once (on the next turn of the event loop). What a dying stream did not confirm is sent
 * again on the next: at least once, and a status report sent twice is stored once (its report id).
 *
 * How soon the hub is dialled again is bounded by reconnectBackoffMaxMs. grpc-js reconnects a channel that lost its
 * server on its own schedule, by default 1 s growing by 1.6 up to 120 s (±20 % jitter), and a stream opened meanwhile
 * failed at once, so an agent whose hub was down for minutes stayed away up to two minutes after the hub came back.
 * That schedule is now capped at reconnectBackoffMaxMs (`grpc.max_reconnect_backoff_ms`, which grpc-js 1.x honours for
 * its subchannels, its DNS resolver and its load balancer), and the stream waits for the channel (`waitForReady`)
 * instead of failing, so it opens as soon as a dial succeeds. The agent's own backoff (full jitter, same cap) spaces
 * new streams after a stream ended, whatever the reason. One channel for the agent's life: a channel dropped while
 * grpc-js is between two dials still dials once more and may keep that connection.
 */
export class HubConnection {
  private client: AgentServiceClient | undefined;
  private readonly outbox: Outbox;
  private readonly journal: OutboxJournal | undefined;
  /** Heartbeats sent on the open stream, each with the newest outbox message written before it. */
  private readonly confirmations = new Map<number, number>();
  private isConfirmationDue = false;
  /** Drops told of in the hello of the open stream. */
  private helloDrops = 0;
  private readonly backoff: Backoff;
  private call: grpc.ClientDuplexStream<AgentMessage, HubMessage> | undefined;
  private ready = false;
  private stopped = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private sequence = 0;
  private inbound: Promise<void> = Promise.resolve();
  private connectedWaiters: Array<() => void> = [];
  private credential: string | undefined;

  constructor(private readonly options: HubConnectionOptions) {
    this.credential = options.credential;
    this.outbox = new Outbox(options.outboxLimit);
    this.journal = options.outboxStorage ? new OutboxJournal(this.outbox, options.outboxStorage, options.logger, options.outboxWriteDelayMs) : undefined;
    this.backoff = options.backoff ?? new Backoff(500, options.reconnectBackoffMaxMs ?? DEFAULT_RECONNECT_BACKOFF_MAX_MS);
  }

  /** Whether the stream is up and the hub has said hello. */
  get isConnected(): boolean {
    return this.ready;
  }

  /** Messages waiting for the hub. */
  get pending(): number {
    return this.outbox.size;
  }

  /** Messages dropped because the outbox was full (kept across restarts with the outbox). */
  get dropped(): number {
    return this.outbox.droppedCount;
  }

  /**
   * Puts back into the outbox what a previous run of the agent had not delivered (call before anything is sent, so
   * it goes first); nothing without outboxStorage.
   */
  async restoreOutbox(): Promise<void> {
    if (!this.journal) return;
    const restored = await this.journal.restore().catch((error: Error) => {
      // Unreadable reports must not keep the agent from enforcing its assignments; the next write replaces them.
      this.options.logger.error({ err: error.message }, 'the reports kept for the hub by the previous run cannot be read; starting without them');
      return { messages: [], dropped: 0 };
    });
    if (restored.messages.length > 0 || restored.dropped > 0) {
      this.options.logger.info({ messages: restored.messages.length, dropped: restored.dropped }, 'reports kept for the hub by the previous run will be sent');
    }
  }

  /** The credential of the next connects (a rotated one); the open stream keeps the one it began with. */
  setCredential(credential: string): void {
    this.credential = credential;
  }

  /** Starts connecting (and keeps reconnecting until stopped). */
  start(): void {
    if (this.credential === undefined) throw new Error('HubConnection.start() needs a credential: pass one or call setCredential() first');
    this.stopped = false;
    this.open();
  }

  /** Resolves once connected (for tests and start-up logs). */
  connected(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((resolve) => this.connectedWaiters.push(resolve));
  }

  /** Sends now when connected, otherwise queues in the outbox (in wire form: a report's per-object list is capped). */
  send(message: OutboundMessage): void {
    const wire = toAgentMessage(message);
    if (this.ready && this.call) {
      this.call.write(wire);
      this.outbox.sent(wire);
      this.confirmSoon(this.call);
    } else {
      this.outbox.push(wire);
    }
    this.journal?.schedule();
  }

  /**
   * Downloads an artifact on this connection's channel with its credential (see fetchArtifact); works whether or not
   * the stream is up, and fails with ARTIFACT_UNAVAILABLE while the agent has no credential yet.
   */
  fetchArtifact(artifact: ArtifactRef, signal?: AbortSignal): Promise<Buffer> {
    if (this.credential === undefined) {
      return Promise.reject(new ArtifactError('ARTIFACT_UNAVAILABLE', `fetching artifact ${artifact.digest}: the agent has no credential for the hub yet`, artifact.digest));
    }
    return fetchArtifact({ client: this.channel(), credential: this.credential, artifact, ...(signal ? { signal } : {}) });
  }

  /** Closes the stream for good. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnect);
    this.close();
    await this.inbound;
    this.dropChannel();
    await this.journal?.flush();
  }

  /** The channel to the hub, made on first use. */
  private channel(): AgentServiceClient {
    if (this.client) return this.client;
    const maxMessageBytes = this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    const maxBackoffMs = this.options.reconnectBackoffMaxMs ?? DEFAULT_RECONNECT_BACKOFF_MAX_MS;
    this.client = new AgentServiceClient(this.options.address, this.options.channelCredentials ?? grpc.credentials.createInsecure(), {
      ...this.options.channelOptions,
      'grpc.max_receive_message_length': maxMessageBytes,
      'grpc.max_send_message_length': maxMessageBytes,
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.initial_reconnect_backoff_ms': Math.min(1_000, maxBackoffMs),
      'grpc.max_reconnect_backoff_ms': maxBackoffMs,
    });
    return this.client;
  }

  /** Closes the channel (calls under way finish on it). */
  private dropChannel(): void {
    this.client?.close();
    this.client = undefined;
  }

  private open(): void {
    if (this.stopped) return;
    // waitForReady: the stream waits for the channel to connect instead of failing while grpc-js is between two dials.
    const metadata = new grpc.Metadata({ waitForReady: true });
    metadata.set('authorization', `Bearer ${this.credential as string}`);
    const call = this.channel().connect(metadata);
    this.call = call;
    this.helloDrops = this.outbox.unreportedDrops;
    call.write(toHelloMessage(this.options.handlers.hello(), this.outbox.size, this.helloDrops));
    call.on('data', (message: HubMessage) => {
      // Handle messages strictly in order: an assignment must be stored before a later one is compared with it.
      this.inbound = this.inbound.then(() => this.receive(call, message)).catch((error: Error) => {
        this.options.logger.error({ ...logFieldsOf(message), err: error.message }, 'handling a hub message failed');
      });
    });
    call.on('status', (status: grpc.StatusObject) => this.ended(call, status));
    call.on('error', () => undefined);
  }

  private async receive(call: grpc.ClientDuplexStream<AgentMessage, HubMessage>, message: HubMessage): Promise<void> {
    if (call !== this.call) return;
    if (message.hello) {
      this.ready = true;
      this.backoff.reset();
      this.options.logger.info({ hub: this.options.address, hubVersion: message.hello.hubVersion, buffered: this.outbox.size }, 'connected to hub');
      if (this.helloDrops > 0) this.options.logger.warn({ dropped: this.helloDrops }, 'reports for the hub were dropped while it was away (the outbox was full); the hub was told how many');
      this.outbox.dropsReported(this.helloDrops);
      this.journal?.schedule();
      for (const queued of this.outbox.drain()) call.write(queued);
      this.confirmSoon(call);
      this.options.handlers.onConnected?.();
      this.startHeartbeats(call, message.hello.heartbeatIntervalMs || 10_000);
      for (const resolve of this.connectedWaiters.splice(0)) resolve();
      return;
    }
    if (message.heartbeatAck) {
      this.confirmed(message.heartbeatAck.sequence);
      return;
    }
    const inbound = fromHubMessage(message);
    if (inbound) await this.options.handlers.onMessage(inbound);
  }

  private startHeartbeats(call: grpc.ClientDuplexStream<AgentMessage, HubMessage>, intervalMs: number): void {
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      if (call === this.call && this.ready) this.writeHeartbeat(call);
    }, intervalMs);
    this.heartbeat.unref();
  }

  /** A heartbeat, noting which outbox messages its answer confirms. */
  private writeHeartbeat(call: grpc.ClientDuplexStream<AgentMessage, HubMessage>): void {
    const sequence = ++this.sequence;
    this.confirmations.set(sequence, this.outbox.newest);
    call.write({ heartbeat: { sequence, sentAt: toTimestamp(new Date()) } });
  }

  /** Asks the hub to confirm what was just written: one heartbeat after this turn's messages. */
  private confirmSoon(call: grpc.ClientDuplexStream<AgentMessage, HubMessage>): void {
    if (this.isConfirmationDue) return;
    this.isConfirmationDue = true;
    setImmediate(() => {
      this.isConfirmationDue = false;
      if (call === this.call && this.ready) this.writeHeartbeat(call);
    });
  }

  /** The hub answered a heartbeat: it has handled every message written before it. */
  private confirmed(sequence: number): void {
    const upTo = this.confirmations.get(sequence);
    if (upTo === undefined) return;
    for (const key of this.confirmations.keys()) if (key <= sequence) this.confirmations.delete(key);
    this.outbox.acknowledge(upTo);
    this.journal?.schedule();
  }

  private ended(call: grpc.ClientDuplexStream<AgentMessage, HubMessage>, status: grpc.StatusObject): void {
    if (call !== this.call) return;
    this.close();
    if (this.stopped) return;
    const delay = this.backoff.next();
    const level = status.code === grpc.status.UNAUTHENTICATED || status.code === grpc.status.PERMISSION_DENIED ? 'error' : 'warn';
    this.options.logger[level]({ code: grpc.status[status.code], details: status.details, retryInMs: delay }, 'hub stream ended; reconnecting');
    this.reconnect = setTimeout(() => this.open(), delay);
  }

  private close(): void {
    clearInterval(this.heartbeat);
    if (this.call) {
      // What this stream did not confirm goes again on the next one.
      this.outbox.requeueUnconfirmed();
      this.confirmations.clear();
      this.journal?.schedule();
    }
    this.ready = false;
    const call = this.call;
    this.call = undefined;
    if (call) {
      call.end();
      call.cancel();
    }
  }
}
