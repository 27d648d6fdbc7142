import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureGrpcurl } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, TEST_ADMIN_TOKEN, type TestHub } from '../testing/start-test-hub.js';

const run = promisify(execFile);

// grpcurl is a strict, descriptor-based client: it builds real descriptors from what reflection serves and fails on
// any file served without its dependencies, which a lenient client (protobufjs) would paper over.
describe('gRPC server reflection on the hub, used by grpcurl', () => {
  let hub: TestHub;
  let grpcurl: string;

  const grpcurlOutput = async (...args: string[]): Promise<string> => (await run(grpcurl, ['-plaintext', ...args], { timeout: 30_000 })).stdout;

  beforeAll(async () => {
    [hub, { path: grpcurl }] = await Promise.all([startTestHub('sqlite'), ensureGrpcurl()]);
    await hub.api().post('/api/v1/clusters').send({ name: 'eu-1', labels: { env: 'prod' } }).expect(201);
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('lists the flotilla.v1 services (grpcurl list)', async () => {
    const services = (await grpcurlOutput(hub.grpcAddress, 'list')).trim().split('\n');
    expect(services).toEqual(expect.arrayContaining(['flotilla.v1.AgentService', 'flotilla.v1.StatusService']));
  });

  it('describes StatusService (grpcurl describe)', async () => {
    const description = await grpcurlOutput(hub.grpcAddress, 'describe', 'flotilla.v1.StatusService');
    expect(description).toContain('flotilla.v1.StatusService is a service:');
    expect(description).toContain('rpc Watch ( .flotilla.v1.WatchRequest ) returns ( stream .flotilla.v1.StatusEvent );');
  });

  it('describes a message with a google.protobuf.Timestamp field, resolved from the imported file', async () => {
    const description = await grpcurlOutput(hub.grpcAddress, 'describe', 'flotilla.v1.StatusEvent');
    expect(description).toContain('.google.protobuf.Timestamp time = 2;');
    // The comments of the .proto files travel with the descriptors.
    expect(description).toContain('// One event of the status stream.');
    expect(await grpcurlOutput(hub.grpcAddress, 'describe', 'google.protobuf.Timestamp')).toContain('int64 seconds = 1;');
  });

  it('calls StatusService/Watch with the API token and receives the snapshot, Timestamps decoded', async () => {
    const events = await watchUntilSnapshotComplete(grpcurl, hub.grpcAddress, TEST_ADMIN_TOKEN);
    expect(events[0]).toMatchObject({ clusterSnapshot: { name: 'eu-1', labels: { env: 'prod' } } });
    // grpcurl prints a Timestamp as RFC 3339 text only when it knows the type.
    expect(events[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(events.at(-1)).toHaveProperty('snapshotComplete');
  });

  it('refuses Watch without a token, as every client is refused', async () => {
    await expect(grpcurlOutput('-d', '{}', hub.grpcAddress, 'flotilla.v1.StatusService/Watch')).rejects.toMatchObject({ stderr: expect.stringContaining('Unauthenticated') });
  });
});

/** Runs `grpcurl … StatusService/Watch` and collects the events it prints up to SnapshotComplete, then stops it. */
async function watchUntilSnapshotComplete(grpcurl: string, address: string, token: string): Promise<Array<Record<string, unknown>>> {
  const child = spawn(grpcurl, ['-plaintext', '-H', `authorization: Bearer ${token}`, '-d', '{}', address, 'flotilla.v1.StatusService/Watch'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no SnapshotComplete from grpcurl within 30 s; stdout: ${stdout}; stderr: ${stderr}`)), 30_000);
      child.once('exit', (code) => reject(new Error(`grpcurl exited (${code}) before SnapshotComplete: ${stderr}`)));
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        // grpcurl prints each message as an indented JSON object; a top-level one ends with "}" alone on a line.
        const events = stdout
          .split(/^}\n/m)
          .slice(0, -1)
          .map((text) => JSON.parse(`${text}}`) as Record<string, unknown>);
        if (events.some((event) => 'snapshotComplete' in event)) {
          clearTimeout(timer);
          resolve(events);
        }
      });
    });
  } finally {
    child.kill();
  }
}
