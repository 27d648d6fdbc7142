import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AgentMessage,
  AgentServiceClient,
  type Assignment,
  DriftMode,
  Health,
  type HubMessage,
  loadPackageDefinition,
  Phase,
  toTimestamp,
} from './index.js';

// The hub serves with proto-loader (as NestJS does); the agent uses the ts-proto client. This proves that the
// generated types describe what each side actually sees on the wire.
type ProtoGrpcType = { flotilla: { v1: { AgentService: grpc.ServiceClientConstructor } } };

const assignment: Assignment = {
  app: 'web',
  generation: 7,
  source: { url: 'https://git.example/web.git', ref: 'main', commit: 'a'.repeat(40), credentials: { username: 'u', password: 'p' } },
  revision: `main@sha1:${'a'.repeat(40)}`,
  path: 'deploy/prod',
  variables: { cluster: 'eu-1', region: 'eu' },
  defaultNamespace: 'web',
  policy: {
    prune: true,
    driftMode: DriftMode.DRIFT_MODE_CORRECT,
    driftIgnore: [{ kind: 'Deployment', name: 'api', namespace: '', jsonPointers: ['/spec/replicas'] }],
    healthTimeoutMs: 120_000,
    autoRollback: true,
    driftCheckIntervalMs: 0,
    correctionBackoffMaxMs: 0,
    maxCorrections: 5,
    createNamespace: true,
  },
  pinned: false,
};

describe('wire compatibility between proto-loader (hub) and ts-proto (agent)', () => {
  let server: grpc.Server;
  let client: AgentServiceClient;
  const received: unknown[] = [];

  beforeAll(async () => {
    const proto = grpc.loadPackageDefinition(loadPackageDefinition()) as unknown as ProtoGrpcType;
    server = new grpc.Server();
    server.addService(proto.flotilla.v1.AgentService.service, {
      connect: (call: grpc.ServerDuplexStream<unknown, unknown>) => {
        call.on('data', (message: unknown) => {
          received.push(message);
          call.write({ assignment });
        });
        call.on('end', () => call.end());
      },
      join: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback(null, { credential: 'c' }),
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    client = new AgentServiceClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  afterAll(() => {
    client?.close();
    server?.forceShutdown();
  });

  it('delivers an agent status report with enums as names, longs as numbers and timestamps as seconds and nanos', async () => {
    const stream = client.connect();
    const reply = new Promise<HubMessage>((resolve) => stream.once('data', resolve));
    const startedAt = toTimestamp(new Date('2026-01-02T03:04:05.678Z'));
    const message: AgentMessage = {
      status: {
        reportId: 'r1',
        app: 'web',
        generation: 7,
        revision: assignment.revision,
        phase: Phase.PHASE_SYNCED,
        health: Health.HEALTH_HEALTHY,
        summary: { created: 1, configured: 2, unchanged: 3, pruned: 0, skipped: 0, failed: 0 },
        changes: [],
        errors: [{ code: 'X', message: 'm', file: 'a.yaml', line: 3 }],
        startedAt,
        durationMs: 1234,
        inventory: [{ group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'web', name: 'api' }],
        nothingApplied: false,
      },
    };
    stream.write(message);
    const answer = await reply;
    const closed = new Promise((resolve) => stream.on('status', resolve));
    stream.end();
    await closed;

    expect(answer.assignment).toEqual(assignment);
    const seen = received[0] as Record<string, unknown> & { status: Record<string, unknown> };
    expect(seen.body).toBe('status');
    expect(seen.status).toMatchObject({
      reportId: 'r1',
      generation: 7,
      phase: 'PHASE_SYNCED',
      health: 'HEALTH_HEALTHY',
      startedAt: { seconds: startedAt.seconds, nanos: startedAt.nanos },
      summary: { created: 1, configured: 2, unchanged: 3 },
      errors: [{ code: 'X', message: 'm', file: 'a.yaml', line: 3, object: null }],
    });
    // Unset message fields arrive as null on the proto-loader side.
    expect(seen.status.rollback).toBeNull();
  });
});
