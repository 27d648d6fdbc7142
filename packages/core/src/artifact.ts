import { createHash } from 'node:crypto';
import { FlotillaError } from './flotilla-error.js';
import { isKubeObject, isPlainObject, type KubeObject } from './kube-object.js';

/** The format tag inside every artifact; a different tag is refused, so the format can change deliberately. */
export const ARTIFACT_FORMAT = 'flotilla.io/artifact/v1';

/** Where an object of an artifact came from: a file of the Source (1-based line; 0 when the tool gives none). */
export interface ArtifactSource {
  /** Repository-relative path of the file, or the renderer's own name for generated objects (`kustomize:<path>`). */
  file: string;
  /** 1-based line where the object starts in that file; 0 when unknown. */
  line: number;
}

/** One rendered object and where it came from. */
export interface ArtifactObject {
  object: KubeObject;
  source: ArtifactSource;
}

/** The rendered objects of one App revision for one set of inputs, in the order they are to be applied. */
export interface Artifact {
  objects: ArtifactObject[];
}

/** An artifact's canonical bytes and their name. */
export interface EncodedArtifact {
  bytes: Uint8Array;
  /** `sha256:<64 hex>` of `bytes`. */
  digest: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Whether a string is an artifact digest, `sha256:<64 lowercase hex>`. */
export function isArtifactDigest(value: string): boolean {
  return DIGEST.test(value);
}

/** The digest of some bytes, `sha256:<64 hex>`. */
export function artifactDigest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** JSON with object keys sorted byte-wise at every level and no whitespace: equal values give equal bytes. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).filter((key) => value[key] !== undefined).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Encodes an artifact to its canonical bytes (sorted keys, objects in the order given) and names them. */
export function encodeArtifact(artifact: Artifact): EncodedArtifact {
  const text = canonicalJson({
    format: ARTIFACT_FORMAT,
    objects: artifact.objects.map(({ object, source }) => ({ object, source: { file: source.file, line: source.line } })),
  });
  const bytes = new TextEncoder().encode(text);
  return { bytes, digest: artifactDigest(bytes) };
}

function invalid(message: string, data: Record<string, unknown> = {}, cause?: unknown): FlotillaError {
  return new FlotillaError('INVALID_ARTIFACT', message, { data, cause });
}

/**
 * Decodes an artifact's bytes, first checking them against the digest they were fetched by (when given), so a
 * corrupted or substituted artifact is refused before any object is read.
 */
export function decodeArtifact(bytes: Uint8Array, expectedDigest?: string): Artifact {
  if (expectedDigest !== undefined) {
    const actual = artifactDigest(bytes);
    if (actual !== expectedDigest) {
      throw invalid(`artifact ${expectedDigest}: its bytes hash to ${actual}; refusing it`, { digest: expectedDigest, actual });
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw invalid(`artifact ${expectedDigest ?? ''}: not UTF-8 JSON`.replace(' :', ':'), { digest: expectedDigest }, cause);
  }
  if (!isPlainObject(parsed) || parsed.format !== ARTIFACT_FORMAT || !Array.isArray(parsed.objects)) {
    throw invalid(`artifact ${expectedDigest ?? ''}: not a ${ARTIFACT_FORMAT} artifact`.replace(' :', ':'), { digest: expectedDigest });
  }
  return {
    objects: parsed.objects.map((entry: unknown, index: number) => {
      const source = isPlainObject(entry) ? entry.source : undefined;
      if (!isPlainObject(entry) || !isKubeObject(entry.object) || !isPlainObject(source) || typeof source.file !== 'string' || typeof source.line !== 'number') {
        throw invalid(`artifact ${expectedDigest ?? ''}: entry ${index} is not { object, source: { file, line } }`.replace(' :', ':'), { digest: expectedDigest, index });
      }
      return { object: entry.object, source: { file: source.file, line: source.line } };
    }),
  };
}
