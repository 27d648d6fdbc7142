import http from 'node:http';
import https from 'node:https';
import { type GitHttpRequest, type GitHttpResponse, type HttpClient } from 'isomorphic-git';
import { type GitCredentials } from './git-credentials.js';
import type { GitHostPolicy } from './git-host-policy.js';
import { policyAgents } from './policy-agents.js';

/** How one Git operation talks HTTP. */
export interface HttpSessionOptions {
  /** Sent as a Basic Authorization header on every request, so no 401 round trip is needed first. */
  credentials?: GitCredentials | undefined;
  /** Aborts every request of the session, e.g. at a deadline. */
  signal?: AbortSignal | undefined;
  /** Ask for a thin pack in upload-pack requests when the server advertises `thin-pack` (see below). */
  isThinPackWanted?: boolean;
  /**
   * More commits the client holds, sent as `have` lines beside the one isomorphic-git sends. Without them a server
   * may resend objects the cache already has (a revert's tree), as deltas against newer objects; two packs then hold
   * the same objects as deltas of each other, and reading one loops until the heap is gone.
   */
  extraHaves?: readonly string[];
  /** The hosts and addresses connections may go to; absent: any. */
  hostPolicy?: GitHostPolicy | undefined;
}

/**
 * Connection pools without an idle timeout. Node's global agents (used when none is given) abort a request whose socket
 * is silent for 5 s, and upload-pack is silent while it builds the pack: a busy server failed fetches with "Request timed
 * out". The fetch's own deadline (the signal) bounds a request instead.
 */
const AGENTS = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) } as const;

/** Stop looking for an ERR line or the capability list after this much of a response. */
const MAX_HEAD_SCAN = 64 * 1024;

/**
 * An HttpClient for one Git operation, wrapping the caller's: it adds credentials and the abort signal, and
 * records what the server said so errors can be classified.
 *
 * Why thin packs: isomorphic-git leaves `thin-pack` out of its upload-pack requests, and without it
 * `git upload-pack` answers a shallow fetch with every object of the new commit's tree, even those the client
 * has told it it has. With it, a new commit of a cached repository costs only its changed objects. isomorphic-git
 * resolves a thin pack's deltas against objects already in the repository when it indexes the pack, and reads
 * them the same way later; only the C git binary could not read such a pack, and it never opens this cache.
 */
export class HttpSession {
  /** The client to hand to isomorphic-git. */
  readonly http: HttpClient;
  /** Responses received so far, whatever their status. */
  responseCount = 0;
  /** Body bytes received from upload-pack (the pack data and its framing). */
  uploadPackBytes = 0;
  /** The text of an `ERR` line upload-pack answered with, e.g. "upload-pack: not our ref 3f2a…". */
  uploadPackError: string | undefined;
  private capabilities: ReadonlySet<string> | undefined;

  constructor(
    private readonly inner: HttpClient,
    private readonly options: HttpSessionOptions = {},
  ) {
    this.http = { request: (request) => this.request(request) };
  }

  private async request(request: GitHttpRequest): Promise<GitHttpResponse> {
    const headers: Record<string, string> = { ...request.headers };
    const { credentials, signal } = this.options;
    if (credentials !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) {
      headers.Authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    }
    const isUploadPack = request.method?.toUpperCase() === 'POST' && request.url.endsWith('/git-upload-pack');
    let body = request.body;
    const isThin = this.options.isThinPackWanted === true && this.capabilities?.has('thin-pack') === true;
    const extraHaves = this.options.extraHaves ?? [];
    if (isUploadPack && body !== undefined && (isThin || extraHaves.length > 0)) {
      let rewritten = await collect(body);
      if (isThin) rewritten = addCapability(rewritten, 'thin-pack');
      if (extraHaves.length > 0) rewritten = addHaves(rewritten, extraHaves);
      // An array (not a stream) keeps isomorphic-git's node client sending a Content-Length, which some hosts require.
      body = [rewritten] as unknown as AsyncIterableIterator<Uint8Array>;
    }
    const agents = this.options.hostPolicy === undefined ? AGENTS : policyAgents(this.options.hostPolicy);
    const agent = request.agent ?? agents[new URL(request.url).protocol as keyof typeof AGENTS];
    const response = await this.inner.request({ ...request, headers, body, agent, signal: request.signal ?? signal });
    this.responseCount++;
    if (response.body === undefined) return response;
    const isAdvertisement = request.url.includes('/info/refs?service=git-upload-pack');
    return { ...response, body: this.observe(response.body, isAdvertisement, isUploadPack) };
  }

  /** Passes a response body through, counting upload-pack bytes and noting capabilities and upload-pack's ERR line. */
  private async *observe(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, isAdvertisement: boolean, isUploadPack: boolean): AsyncIterableIterator<Uint8Array> {
    let head: Buffer | undefined = Buffer.alloc(0);
    for await (const chunk of body) {
      if (isUploadPack) this.uploadPackBytes += chunk.byteLength;
      if (head !== undefined) {
        head = Buffer.concat([head, chunk]);
        const firstLine = firstPktLine(head);
        const isError = firstLine?.startsWith('ERR ') === true;
        if (isError && isUploadPack) this.uploadPackError ??= firstLine?.slice(4).trim();
        const capabilities = isAdvertisement ? parseCapabilities(head) : undefined;
        if (capabilities !== undefined) this.capabilities = capabilities;
        const isSeen = firstLine !== undefined && (!isAdvertisement || isError || capabilities !== undefined);
        if (isSeen || head.length > MAX_HEAD_SCAN) head = undefined;
      }
      yield chunk;
    }
  }
}

/** The first pkt-line's text, once it is complete. */
function firstPktLine(head: Buffer): string | undefined {
  if (head.length < 4) return undefined;
  const length = Number.parseInt(head.subarray(0, 4).toString('latin1'), 16);
  if (!Number.isInteger(length) || length < 4) return '';
  if (head.length < length) return undefined;
  return head.subarray(4, length).toString('utf8');
}

/** Protocol v1 puts the capabilities after a NUL on the first ref line; undefined until that line is complete. */
function parseCapabilities(head: Buffer): Set<string> | undefined {
  const nul = head.indexOf(0);
  if (nul < 0) return undefined;
  const end = head.indexOf(0x0a, nul);
  if (end < 0) return undefined;
  return new Set(head.subarray(nul + 1, end).toString('utf8').split(' ').filter(Boolean));
}

/** Adds a capability to the first pkt-line of an upload-pack request (`want <oid> <capabilities>\n`). */
function addCapability(request: Buffer, capability: string): Buffer {
  const length = Number.parseInt(request.subarray(0, 4).toString('latin1'), 16);
  if (!Number.isInteger(length) || length < 4 || length > request.length) return request;
  const line = request.subarray(4, length).toString('latin1');
  if (!line.startsWith('want ') || line.split(/[ \n]/).includes(capability)) return request;
  const extended = `${line.replace(/\n$/, '')} ${capability}\n`;
  const header = (extended.length + 4).toString(16).padStart(4, '0');
  return Buffer.concat([Buffer.from(header + extended, 'latin1'), request.subarray(length)]);
}

/** Adds `have <oid>` lines before the closing `done` of an upload-pack request (skipping those already there). */
function addHaves(request: Buffer, oids: readonly string[]): Buffer {
  const done = Buffer.from('0009done\n', 'latin1');
  if (request.length < done.length || !request.subarray(request.length - done.length).equals(done)) return request;
  const text = request.toString('latin1');
  const lines = [...new Set(oids)].filter((oid) => /^[0-9a-f]{40}$/.test(oid) && !text.includes(`have ${oid}\n`)).map((oid) => `0032have ${oid}\n`);
  return Buffer.concat([request.subarray(0, request.length - done.length), Buffer.from(lines.join(''), 'latin1'), done]);
}

async function collect(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}
