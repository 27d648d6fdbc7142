import { describe, expect, it } from 'vitest';
import { FlotillaError } from './flotilla-error.js';
import { artifactDigest, decodeArtifact, encodeArtifact, isArtifactDigest } from './artifact.js';

const configMap = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

describe('artifacts', () => {
  it('gives equal objects equal bytes and digest, whatever the order of their keys', () => {
    const a = encodeArtifact({ objects: [{ object: configMap('web', { b: '2', a: '1' }), source: { file: 'apps/web/cm.yaml', line: 1 } }] });
    const reordered = { data: { a: '1', b: '2' }, metadata: { name: 'web' }, kind: 'ConfigMap', apiVersion: 'v1' };
    const b = encodeArtifact({ objects: [{ object: reordered, source: { line: 1, file: 'apps/web/cm.yaml' } as never }] });
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    expect(a.digest).toBe(b.digest);
    expect(isArtifactDigest(a.digest)).toBe(true);
    expect(a.digest).toBe(artifactDigest(a.bytes));
  });

  it('keeps the objects in the order given, and a different order is a different artifact', () => {
    const one = { object: configMap('one', {}), source: { file: 'a.yaml', line: 1 } };
    const two = { object: configMap('two', {}), source: { file: 'a.yaml', line: 5 } };
    const forward = encodeArtifact({ objects: [one, two] });
    expect(decodeArtifact(forward.bytes, forward.digest).objects.map((o) => o.object.metadata.name)).toEqual(['one', 'two']);
    expect(encodeArtifact({ objects: [two, one] }).digest).not.toBe(forward.digest);
  });

  it('round-trips objects and where they came from', () => {
    const objects = [{ object: configMap('web', { script: 'echo ${HOME}' }), source: { file: 'kustomize:apps/web', line: 0 } }];
    const { bytes, digest } = encodeArtifact({ objects });
    expect(decodeArtifact(bytes, digest)).toEqual({ objects });
  });

  it('refuses bytes that do not match the digest they were fetched by', () => {
    const { bytes, digest } = encodeArtifact({ objects: [{ object: configMap('web', {}), source: { file: 'a.yaml', line: 1 } }] });
    const tampered = Uint8Array.from(bytes);
    tampered[tampered.length - 2] = (tampered[tampered.length - 2] ?? 0) ^ 1;
    expect(() => decodeArtifact(tampered, digest)).toThrowError(/hash to sha256:/);
    try {
      decodeArtifact(tampered, digest);
    } catch (error) {
      expect(FlotillaError.is(error, 'INVALID_ARTIFACT')).toBe(true);
    }
  });

  it('refuses bytes that are not an artifact, naming what is wrong', () => {
    expect(() => decodeArtifact(new TextEncoder().encode('not json'))).toThrowError(/not UTF-8 JSON/);
    expect(() => decodeArtifact(new TextEncoder().encode('{"format":"other","objects":[]}'))).toThrowError(/not a flotilla.io\/artifact\/v1 artifact/);
    expect(() => decodeArtifact(new TextEncoder().encode('{"format":"flotilla.io/artifact/v1","objects":[{"object":{}}]}'))).toThrowError(/entry 0 is not/);
  });
});
