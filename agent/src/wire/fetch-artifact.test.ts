import { randomBytes } from 'node:crypto';
import { artifactDigest } from '@flotilla/core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ArtifactServer, artifactOf, startArtifactServer } from '../testing/artifact-server.js';
import { HubConnection } from './hub-connection.js';

describe('fetching an artifact from the hub (AgentService.FetchArtifact on a real grpc-js server)', () => {
  let server: ArtifactServer;
  let connection: HubConnection;
  const connectionTo = (address: string, credential?: string) =>
    new HubConnection({ address, ...(credential ? { credential } : {}), logger: pino({ level: 'silent' }), handlers: { hello: () => ({ cluster: 'c', agentVersion: 't', kubernetesVersion: '', assignments: [], capabilities: [] }), onMessage: () => undefined } });

  beforeAll(async () => {
    server = await startArtifactServer({ credential: 'flc_agent', chunkBytes: 1024 * 1024 });
    connection = connectionTo(server.address, 'flc_agent');
  });
  afterAll(async () => {
    await connection?.stop();
    await server?.stop();
  });

  it('reassembles an artifact of tens of MiB from its 1 MiB chunks, with the credential as on Connect', async () => {
    // Incompressible content in a real artifact: 24 ConfigMaps of 1 MiB each.
    const large = artifactOf(Array.from({ length: 24 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `blob-${i}` }, data: { blob: randomBytes(768 * 1024).toString('base64') } })));
    expect(large.bytes.length).toBeGreaterThan(24 * 1024 * 1024);
    server.serve(large.digest, large.bytes);
    const bytes = await connection.fetchArtifact(large.ref);
    expect(bytes.length).toBe(large.bytes.length);
    expect(artifactDigest(bytes)).toBe(large.digest);
  }, 60_000);

  it('refuses bytes that do not hash to the digest they were fetched by', async () => {
    const real = artifactOf([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { v: '1' } }]);
    const substituted = artifactOf([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { v: '2' } }]);
    server.serve(real.digest, substituted.bytes);
    await expect(connection.fetchArtifact(real.ref)).rejects.toMatchObject({ code: 'INVALID_ARTIFACT', message: expect.stringContaining(`artifact ${real.digest}: its bytes hash to ${substituted.digest}`) });
  });

  it('refuses more or fewer bytes than the assignment announced', async () => {
    const served = artifactOf([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } }]);
    server.serve(served.digest, served.bytes);
    await expect(connection.fetchArtifact({ digest: served.digest, size: served.bytes.length - 1 })).rejects.toMatchObject({ code: 'INVALID_ARTIFACT', message: expect.stringContaining('more than its') });
    await expect(connection.fetchArtifact({ digest: served.digest, size: served.bytes.length + 1 })).rejects.toMatchObject({ code: 'INVALID_ARTIFACT', message: expect.stringContaining(`sent ${served.bytes.length} of its`) });
  });

  it('says which artifact the hub does not have, and when the credential is refused', async () => {
    const unknown = `sha256:${'0'.repeat(64)}`;
    await expect(connection.fetchArtifact({ digest: unknown, size: 10 })).rejects.toMatchObject({ code: 'ARTIFACT_NOT_FOUND', digest: unknown });
    const stranger = connectionTo(server.address, 'flc_someone-else');
    await expect(stranger.fetchArtifact({ digest: unknown, size: 10 })).rejects.toMatchObject({ code: 'ARTIFACT_REFUSED', message: expect.stringContaining('UNAUTHENTICATED') });
    await stranger.stop();
  });

  it('says the hub is unavailable when nothing listens, or before the agent has a credential', async () => {
    const away = connectionTo('127.0.0.1:1', 'flc_agent');
    await expect(away.fetchArtifact({ digest: `sha256:${'1'.repeat(64)}`, size: 10 })).rejects.toMatchObject({ code: 'ARTIFACT_UNAVAILABLE' });
    await away.stop();
    const joining = connectionTo(server.address);
    await expect(joining.fetchArtifact({ digest: `sha256:${'1'.repeat(64)}`, size: 10 })).rejects.toMatchObject({ code: 'ARTIFACT_UNAVAILABLE', message: expect.stringContaining('no credential') });
    await joining.stop();
  });
});
