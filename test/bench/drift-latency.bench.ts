import * as grpc from '@grpc/grpc-js';
import { KubeClient, ResourceWatch } from '@flotilla/kube';
import { type StatusEvent, StatusServiceClient, fromTimestamp } from '@flotilla/proto';
import { FLEET_ADMIN_TOKEN, type Fleet, startFleet } from '../e2e/fleet.js';
import { type BenchReport, percentile } from './bench-report.js';

// Detection latency of drift, edit → the hub knows (a DriftEvent on StatusService.Watch), over `edits` edits of an App
// of `objects` ConfigMaps, against the raw watch-event latency of the same edits (what any watcher could do at best).

function manyConfigMaps(objects: number): Record<string, string> {
  const files: Record<string, string> = { 'app/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bench\n' };
  for (let i = 0; i < objects; i++) files[`app/cm-${String(i).padStart(4, '0')}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  value: "${i}"\n`;
  return files;
}

const round = (value: number): number => Math.round(value * 10) / 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Edit → hub knows, p50 and p99, against the raw watch event of the same edits. */
export async function driftBench(full: boolean): Promise<BenchReport> {
  const objects = full ? 1000 : 200;
  const edits = full ? 100 : 50;
  const fleet: Fleet = await startFleet({ clusters: { 'eu-1': { env: 'bench' } }, files: manyConfigMaps(objects) });
  const editor = new KubeClient({ kubeConfig: (fleet.planes['eu-1'] as NonNullable<Fleet['planes'][string]>).kubeConfig('admin') });
  let status: StatusServiceClient | undefined;
  try {
    await fleet.api().post('/api/v1/sources').send({ name: 'fleet', url: fleet.git.repoUrl('fleet'), pollIntervalSeconds: 3600 }).expect(201);
    await fleet.api().post('/api/v1/apps').send({ name: 'bench', source: 'fleet', path: 'app', namespace: 'bench', targets: { clusters: ['eu-1'] } }).expect(201);
    const agent = await fleet.startAgent('eu-1');
    for (const deadline = Date.now() + 240_000; Date.now() < deadline; await sleep(250)) {
      const item = (await fleet.api().get('/api/v1/apps/bench/status')).body.items?.[0] as { applied?: { phase: string } } | undefined;
      if (item?.applied?.phase === 'Synced') break;
    }
    // The comparison after the apply, then one more timed: a full comparison of every object.
    await agent.drift.checkNow('bench');
    const fullStarted = performance.now();
    await agent.drift.checkNow('bench');
    const fullCheckMs = round(performance.now() - fullStarted);
    status = new StatusServiceClient(fleet.hub.grpcAddress, grpc.credentials.createSsl(Buffer.from(fleet.certificates.ca.cert)));
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${FLEET_ADMIN_TOKEN}`);

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
    const call = status.watch({ clusters: [], apps: ['bench'], resumeFrom: '', skipSnapshot: true }, metadata);
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
    await sleep(500);

    const hub: number[] = [];
    const raw: number[] = [];
    const decided: number[] = [];
    const step = Math.max(1, Math.floor(objects / edits));
    for (let i = 0; i < edits; i++) {
      const name = `cm-${(i * step) % objects}`;
      const wallStart = Date.now();
      const start = performance.now();
      await editor.request({
        method: 'PATCH',
        path: `/api/v1/namespaces/bench/configmaps/${name}`,
        body: { data: { value: `edit-${i}` } },
        contentType: 'application/merge-patch+json',
        query: { fieldManager: 'bench-editor' },
      });
      for (const deadline = Date.now() + 10_000; !(knownByHub.has(name) && seenByWatch.has(name)) && Date.now() < deadline; ) await sleep(1);
      if (!knownByHub.has(name)) throw new Error(`the hub never heard of the drift of ${name}`);
      hub.push((knownByHub.get(name) as number) - start);
      raw.push((seenByWatch.get(name) as number) - start);
      // detectedAt is the agent's wall clock, on this same machine (millisecond resolution).
      decided.push((detectedByAgent.get(name) ?? wallStart) - wallStart);
    }
    call.cancel();
    await watch.stop();

    const baselineName = 'raw watch event';
    const p = (values: number[], q: number) => round(percentile(values, q));
    return {
      bench: 'drift detection',
      size: `${edits} edits, ${objects} managed objects`,
      measurements: [
        { name: 'edit → hub knows, p50', value: p(hub, 50), unit: 'ms', baseline: p(raw, 50), baselineName },
        { name: 'edit → hub knows, p99', value: p(hub, 99), unit: 'ms', baseline: p(raw, 99), baselineName, target: '< 1000 ms', met: p(hub, 99) < 1000 },
        { name: 'edit → agent decided, p50', value: p(decided, 50), unit: 'ms' },
        { name: 'edit → agent decided, p99', value: p(decided, 99), unit: 'ms' },
        { name: `full comparison of ${objects} objects`, value: fullCheckMs, unit: 'ms' },
      ],
    };
  } finally {
    status?.close();
    editor.close();
    await fleet.stop();
  }
}
