import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { FlotillaError } from '@flotilla/core';
import { APPLY_PATCH, isNotFound, type KubeClient, mapApiError } from '@flotilla/kube';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Name of the Secret that holds the reports the hub has not confirmed yet. */
export const OUTBOX_SECRET = 'flotilla-outbox';

/** Most compressed bytes kept: a Secret holds about 1 MiB, and base64 adds a third. */
export const OUTBOX_MAX_BYTES = 640 * 1024;

/** Largest uncompressed outbox read back (a damaged or hostile Secret cannot make the agent inflate more). */
const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

/** The outbox as kept: its messages, opaque, oldest first, and how many were dropped. */
export interface StoredMessages {
  messages: Uint8Array[];
  dropped: number;
}

/**
 * Keeps the agent's unconfirmed messages for the hub in its state namespace, so that reports made while the hub is away
 * survive a restart of the agent: one Secret (reports may quote drifted fields of Secrets), `flotilla-outbox`, holding
 * the messages length-prefixed and gzip-compressed. Bounded by OUTBOX_MAX_BYTES: past it the oldest messages are left
 * out and added to the dropped count kept with them.
 */
export class OutboxStore {
  constructor(
    private readonly client: KubeClient,
    readonly namespace: string,
    private readonly maxBytes = OUTBOX_MAX_BYTES,
    private readonly fieldManager = 'flotilla',
  ) {}

  /** What was kept; nothing when there is no Secret. A damaged one is an error naming it. */
  async load(): Promise<StoredMessages> {
    let secret: { data?: Record<string, string> };
    try {
      secret = await this.client.request({ method: 'GET', path: this.path() });
    } catch (error) {
      if (isNotFound(error)) return { messages: [], dropped: 0 };
      throw mapApiError(error, { object: this.id(), verb: 'get' });
    }
    const dropped = Number(Buffer.from(secret.data?.dropped ?? '', 'base64').toString('utf8') || '0');
    const compressed = Buffer.from(secret.data?.messages ?? '', 'base64');
    if (compressed.length === 0) return { messages: [], dropped: Number.isSafeInteger(dropped) ? dropped : 0 };
    try {
      return { messages: unframe(await gunzipAsync(compressed, { maxOutputLength: MAX_INFLATED_BYTES })), dropped: Number.isSafeInteger(dropped) ? dropped : 0 };
    } catch (cause) {
      throw new FlotillaError('INVALID_INVENTORY', `${this.id()}: the kept reports cannot be read (${(cause as Error).message}); delete the Secret to start without them`, { data: { object: this.id() }, cause });
    }
  }

  /** Replaces what is kept (one server-side apply); the oldest messages are left out, and counted, past the size bound. */
  async save(outbox: StoredMessages): Promise<void> {
    let messages = outbox.messages;
    let compressed = await gzipAsync(frame(messages));
    while (compressed.length > this.maxBytes && messages.length > 0) {
      // Leave out the share of the oldest messages by which the whole is too large, and at least one.
      const excess = Math.max(1, Math.ceil(messages.length * (1 - this.maxBytes / compressed.length)));
      messages = messages.slice(excess);
      compressed = await gzipAsync(frame(messages));
    }
    const dropped = outbox.dropped + (outbox.messages.length - messages.length);
    try {
      await this.client.request({
        method: 'PATCH',
        path: this.path(),
        body: {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: OUTBOX_SECRET, namespace: this.namespace, labels: { 'app.kubernetes.io/managed-by': 'flotilla' } },
          type: 'Opaque',
          data: { messages: messages.length > 0 ? compressed.toString('base64') : '', dropped: Buffer.from(String(dropped)).toString('base64') },
        },
        contentType: APPLY_PATCH,
        query: { fieldManager: this.fieldManager, force: 'true' },
      });
    } catch (error) {
      throw mapApiError(error, { object: this.id(), verb: 'apply' });
    }
  }

  private id(): string {
    return `Secret/${this.namespace}/${OUTBOX_SECRET}`;
  }

  private path(): string {
    return `/api/v1/namespaces/${this.namespace}/secrets/${OUTBOX_SECRET}`;
  }
}

/** Each message preceded by its length (4 bytes, big-endian). */
function frame(messages: Uint8Array[]): Buffer {
  const out = Buffer.allocUnsafe(messages.reduce((sum, m) => sum + 4 + m.length, 0));
  let offset = 0;
  for (const message of messages) {
    out.writeUInt32BE(message.length, offset);
    out.set(message, offset + 4);
    offset += 4 + message.length;
  }
  return out;
}

function unframe(bytes: Buffer): Uint8Array[] {
  const messages: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    if (offset + 4 > bytes.length) throw new Error('truncated length');
    const length = bytes.readUInt32BE(offset);
    if (offset + 4 + length > bytes.length) throw new Error('truncated message');
    messages.push(bytes.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return messages;
}
