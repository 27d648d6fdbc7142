import * as grpc from '@grpc/grpc-js';
import { KubeClient, ResourceWatch } from '@flotilla/kube';
import { type StatusEvent, StatusServiceClient, fromTimestamp } from '@flotilla/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fleet, startFleet } from '../e2e/fleet.js';

// Detection latency of drift, edit → the hub knows (a DriftEvent on StatusService.Watch), over EDITS edits of an App
// of OBJECTS ConfigMaps, against the raw watch-event latency of the same edits (what any watcher could do at best).

const OBJECTS = Number(process.env.FLOTILLA_BENCH_OBJECTS ?? 1000);
const EDITS = Number(process.env.FLOTILLA_BENCH_EDITS ?? 100);

function manyConfigMaps(): Record<string, string> {
  const files: Record<string, string> = { 'app/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bench\n' };
  for (let i = 0; i < OBJECTS; i++) files[`app/cm-${String(i).padStart(4, '0')}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  value: "${i}"\n`;
  return files;
}

/** Nearest-rank percentile of sorted values. */
const percentile = (sorted: readonly number[], p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
const ms = (value: number): string => `${value.toFixed(1)} ms`;

describe('drift detection latency', () => {
  let fleet: Fleet;
  let editor: KubeClient;
  let status: StatusServiceClient;
  let fullCheckMs = 0;

  beforeAll(async () => {
    fleet = await startFleet({ clusters: { 'eu-1': { env: 'bench' } }, files: manyConfigMaps() });
    editor = new KubeClient({ kubeConfig: (fleet.planes['eu-1'] as NonNullable<Fleet['planes'][string]>).kubeConfig('admin') });
    await fleet.api().post('/api/v1/sources').send({ name: 'fleet', url: fleet.git.repoUrl('fleet'), pollIntervalSeconds: 3600 }).expect(201);
    await fleet.api().post('/api/v1/apps').send({ name: 'bench', source: 'fleet', path: 'app', namespace: 'bench', targets: { clusters: ['eu-1'] } }).expect(201);
    const agent = await fleet.startAgent('eu-1');
    for (const deadline = Date.now() + 240_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 250))) {
      const item = (await fleet.api().get('/api/v1/apps/bench/status')).body.items?.[0] as { applied?: { phase: string } } | undefined;
      if (item?.applied?.phase === 'Synced') break;
    }
    // The comparison after the apply, then one more timed: a full comparison of every object.
    await agent.drift.checkNow('bench');
    const started = performance.now();
    await agent.drift.checkNow('bench');
    fullCheckMs = performance.now() - started;
    status = new StatusServiceClient(fleet.hub.grpcAddress, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    status?.close();
    editor?.close();
    await fleet?.stop();
  });

  it(`measures edit → hub knows over ${EDITS} edits of an app of ${OBJECTS} objects`, async () => {
    const seenByWatch = new Map<string, number>();
    const knownByHub = new Map<string, number>();
    const detectedByAgent = new Map<string, number>();
    const watch = new ResourceWatch({
      client: editor,
      path: '/api/v1/namespaces/bench/configmaps',
      onSync: () => undefined,
      onEvent: (type, object) => {
        const value = (object as { data?: { value?: string } }).data?.value ?? '';
        if (type === 'MODIFIED' && value.startsWith('edit-')) seenByWatch.set(object.metadata.name, performance.now());
      },
    });
    await watch.start();
    const call = status.watch({ clusters: [], apps: ['bench'], resumeFrom: '', skipSnapshot: true });
    call.on('data', (event: StatusEvent) => {
      const at = performance.now();
      for (const object of event.drift?.objects ?? []) {
        const name = object.object?.name ?? '';
        if (!knownByHub.has(name)) knownByHub.set(name, at);
        const detectedAt = fromTimestamp(object.detectedAt);
        if (detectedAt && !detectedByAgent.has(name)) detectedByAgent.set(name, detectedAt.getTime());
      }
    });
    call.on('error', () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const hub: number[] = [];
    const raw: number[] = [];
    const agent: number[] = [];
    const step = Math.max(1, Math.floor(OBJECTS / EDITS));
    for (let i = 0; i < EDITS; i++) {
      const name = `cm-${(i * step) % OBJECTS}`;
      const wallStart = Date.now();
      const start = performance.now();
      await editor.request({
        method: 'PATCH',
        path: `/api/v1/namespaces/bench/configmaps/${name}`,
        body: { data: { value: `edit-${i}` } },
        contentType: 'application/merge-patch+json',
        query: { fieldManager: 'bench-editor' },
      });
      for (const deadline = Date.now() + 10_000; !(knownByHub.has(name) && seenByWatch.has(name)) && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 1));
      expect(knownByHub.has(name), `the hub never heard of the drift of ${name}`).toBe(true);
      hub.push((knownByHub.get(name) as number) - start);
      raw.push((seenByWatch.get(name) as number) - start);
      // detectedAt is the agent's wall clock, on this same machine.
      agent.push((detectedByAgent.get(name) ?? wallStart) - wallStart);
    }
    call.cancel();
    await watch.stop();

    const rows = [
      ['raw watch event (baseline)', raw],
      ['agent decided it is drift (detectedAt, ms resolution)', agent],
      ['hub knows (DriftEvent on StatusService.Watch)', hub],
    ] as const;
    const lines = [`drift detection latency, ${EDITS} edits, ${OBJECTS} managed objects (one App, one namespace)`];
    for (const [label, values] of rows) {
      const sorted = [...values].sort((a, b) => a - b);
      lines.push(`  ${label.padEnd(56)} p50 ${ms(percentile(sorted, 50)).padStart(9)}   p99 ${ms(percentile(sorted, 99)).padStart(9)}   max ${ms(sorted.at(-1) as number).padStart(9)}`);
    }
    const sortedHub = [...hub].sort((a, b) => a - b);
    const sortedRaw = [...raw].sort((a, b) => a - b);
    lines.push(`  ratio hub / raw watch: p50 ${(percentile(sortedHub, 50) / percentile(sortedRaw, 50)).toFixed(1)}x, p99 ${(percentile(sortedHub, 99) / percentile(sortedRaw, 99)).toFixed(1)}x`);
    lines.push(`  full comparison of all ${OBJECTS} objects (the periodic backstop): ${ms(fullCheckMs)}`);
    console.log(lines.join('\n'));
    expect(percentile(sortedHub, 99)).toBeLessThan(1_000);
  });
});
