import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { artifactDigest, FlotillaError } from '@flotilla/core';
import { APPLY_PATCH, isNotFound, type KubeClient, mapApiError } from '@flotilla/kube';
import type { ArtifactRef } from '../assignment/agent-assignment.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Label on every part of every stored artifact, so they can be listed (and collected). */
export const ARTIFACT_LABEL = 'flotilla.dev/artifact';
/** Compressed bytes per part: under the 1 MiB a Secret may hold, with room for its metadata. */
export const ARTIFACT_PART_BYTES = 900 * 1024;

const A = {
  digest: 'flotilla.dev/artifact-digest',
  app: 'flotilla.dev/app',
  part: 'flotilla.dev/artifact-part',
  parts: 'flotilla.dev/artifact-parts',
  size: 'flotilla.dev/artifact-size',
  compressedSize: 'flotilla.dev/artifact-compressed-size',
  encoding: 'flotilla.dev/artifact-encoding',
} as const;

interface PartMetadata {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Stored artifact parts: the Secret names of each digest's parts. */
export type StoredParts = Map<string, string[]>;

/**
 * Keeps the artifacts the agent enforces in its cluster, so a restarted agent whose hub is away still has them:
 * gzip-compressed and split into Secrets of at most ARTIFACT_PART_BYTES (`flotilla-artifact-<hex>-<i>`, labelled
 * with the App and the digest; Secrets because artifacts may hold Secrets). Loads check the digest again.
 */
export class ArtifactStore {
  constructor(
    private readonly client: KubeClient,
    readonly namespace: string,
    private readonly fieldManager = 'flotilla',
  ) {}

  /** The artifact's bytes, checked against its digest; undefined when it is not stored (or not completely). */
  async load(artifact: ArtifactRef): Promise<Buffer | undefined> {
    const first = await this.getPart(artifact.digest, 0);
    if (!first) return undefined;
    const annotations = first.metadata.annotations ?? {};
    const parts = Number(annotations[A.parts]);
    const compressedSize = Number(annotations[A.compressedSize]);
    const size = Number(annotations[A.size]);
    const id = this.idOf(this.nameOf(artifact.digest, 0));
    if (annotations[A.encoding] !== 'gzip' || !(parts >= 1) || !(compressedSize >= 0) || size !== artifact.size) {
      throw this.invalid(artifact, `${id}: not a stored artifact of ${artifact.size} bytes (annotations ${JSON.stringify(annotations)})`);
    }
    const compressed = Buffer.allocUnsafe(compressedSize);
    let offset = 0;
    for (let index = 0; index < parts; index++) {
      const part = index === 0 ? first : await this.getPart(artifact.digest, index);
      if (!part) return undefined;
      const data = Buffer.from(part.data?.part ?? '', 'base64');
      if (offset + data.length > compressedSize) throw this.invalid(artifact, `${this.idOf(this.nameOf(artifact.digest, index))}: more bytes than the ${compressedSize} announced`);
      data.copy(compressed, offset);
      offset += data.length;
    }
    if (offset !== compressedSize) throw this.invalid(artifact, `${id}: ${offset} of ${compressedSize} compressed bytes stored`);
    let bytes: Buffer;
    try {
      bytes = await gunzipAsync(compressed, { maxOutputLength: Math.max(1, artifact.size) });
    } catch (cause) {
      throw this.invalid(artifact, `${id}: the stored parts do not decompress: ${(cause as Error).message}`, cause);
    }
    const actual = artifactDigest(bytes);
    if (actual !== artifact.digest) throw this.invalid(artifact, `${id}: the stored bytes hash to ${actual}`);
    return bytes;
  }

  /** Stores an artifact's (already checked) bytes for an App: compressed, in parts, the first part written last. */
  async save(app: string, artifact: ArtifactRef, bytes: Uint8Array): Promise<{ parts: number; compressedBytes: number }> {
    const compressed = await gzipAsync(bytes, { level: 6 });
    const parts = Math.max(1, Math.ceil(compressed.length / ARTIFACT_PART_BYTES));
    // The first part, which says how many there are, goes last: a load never finds it before the others.
    for (let index = parts - 1; index >= 0; index--) {
      const name = this.nameOf(artifact.digest, index);
      const data = compressed.subarray(index * ARTIFACT_PART_BYTES, (index + 1) * ARTIFACT_PART_BYTES);
      const secret = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name,
          namespace: this.namespace,
          labels: { 'app.kubernetes.io/managed-by': 'flotilla', [ARTIFACT_LABEL]: 'true', [A.app]: app, [A.digest]: digestLabel(artifact.digest) },
          annotations: {
            [A.digest]: artifact.digest,
            [A.app]: app,
            [A.part]: String(index),
            [A.parts]: String(parts),
            [A.size]: String(artifact.size),
            [A.compressedSize]: String(compressed.length),
            [A.encoding]: 'gzip',
          },
        },
        type: 'Opaque',
        data: { part: Buffer.from(data.buffer, data.byteOffset, data.length).toString('base64') },
      };
      try {
        await this.client.request({ method: 'PATCH', path: this.pathOf(name), body: secret, contentType: APPLY_PATCH, query: { fieldManager: this.fieldManager, force: 'true' } });
      } catch (error) {
        throw mapApiError(error, { object: this.idOf(name), verb: 'apply' });
      }
    }
    return { parts, compressedBytes: compressed.length };
  }

  /** The digests stored (completely or not), read from the parts' metadata only. */
  async digests(): Promise<string[]> {
    return [...(await this.stored()).keys()].sort();
  }

  /** The parts stored, by digest (completely or not), read from the parts' metadata only: what retainOnly() takes. */
  async stored(): Promise<StoredParts> {
    const stored: StoredParts = new Map();
    for (const part of await this.listParts()) {
      const digest = part.annotations?.[A.digest] ?? '';
      stored.set(digest, [...(stored.get(digest) ?? []), part.name]);
    }
    return stored;
  }

  /**
   * Deletes every stored artifact whose digest is not in `keep`; returns the digests removed. Of `listed` (a stored()
   * taken before `keep` was decided) when given: an artifact stored since then is not in it, so it is not taken for
   * unused; else of what is stored now.
   */
  async retainOnly(keep: ReadonlySet<string>, listed?: StoredParts): Promise<string[]> {
    const removed: string[] = [];
    for (const [digest, parts] of listed ?? (await this.stored())) {
      if (keep.has(digest)) continue;
      for (const part of parts) await this.deletePart(part);
      removed.push(digest);
    }
    return removed;
  }

  /** Deletes one artifact's parts (a damaged one, before it is fetched again). */
  async remove(digest: string): Promise<void> {
    for (const part of await this.listParts(digest)) await this.deletePart(part.name);
  }

  private async listParts(digest?: string): Promise<PartMetadata[]> {
    const selector = digest === undefined ? `${ARTIFACT_LABEL}=true` : `${ARTIFACT_LABEL}=true,${A.digest}=${digestLabel(digest)}`;
    try {
      const list = await this.client.request<{ items?: Array<{ metadata: PartMetadata }> }>({
        method: 'GET',
        path: `/api/v1/namespaces/${this.namespace}/secrets`,
        query: { labelSelector: selector },
        // Metadata only: the parts' data may be tens of MiB in all.
        accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1',
      });
      return (list.items ?? []).map((item) => item.metadata);
    } catch (error) {
      if (isNotFound(error)) return [];
      throw mapApiError(error, { object: `Secret/${this.namespace}`, verb: 'list' });
    }
  }

  private async getPart(digest: string, index: number): Promise<{ metadata: PartMetadata; data?: Record<string, string> } | undefined> {
    const name = this.nameOf(digest, index);
    try {
      return await this.client.request({ method: 'GET', path: this.pathOf(name) });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw mapApiError(error, { object: this.idOf(name), verb: 'get' });
    }
  }

  private async deletePart(name: string): Promise<void> {
    try {
      await this.client.request({ method: 'DELETE', path: this.pathOf(name) });
    } catch (error) {
      if (!isNotFound(error)) throw mapApiError(error, { object: this.idOf(name), verb: 'delete' });
    }
  }

  private invalid(artifact: ArtifactRef, message: string, cause?: unknown): FlotillaError {
    return new FlotillaError('INVALID_ARTIFACT', `stored artifact ${artifact.digest}: ${message}`, { data: { digest: artifact.digest }, cause });
  }

  private nameOf(digest: string, index: number): string {
    return `flotilla-artifact-${digest.replace(/^sha256:/, '')}-${index}`;
  }

  private pathOf(name: string): string {
    return `/api/v1/namespaces/${this.namespace}/secrets/${name}`;
  }

  private idOf(name: string): string {
    return `Secret/${this.namespace}/${name}`;
  }
}

/** A digest as a label value (at most 63 characters): the first 63 hex digits; the annotation holds all of it. */
function digestLabel(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 63);
}
