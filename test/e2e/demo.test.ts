import { runCli, Style } from '@flotilla/cli';
import { runDemo } from '@flotilla/demo';
import { metricValue, scrapeMetrics } from '@flotilla/testenv';
import { describe, expect, it } from 'vitest';
import { capture } from './support/capture.js';

describe('flotilla demo', () => {
  it('walks through the loop on real clusters, stays up with --keep for the CLI and Prometheus, and stops cleanly', async () => {
    const out = capture();
    const controller = new AbortController();
    const demo = runDemo({ stdout: out.stream, style: new Style(false), paceMs: 0, keep: true, httpPort: 0, grpcPort: 0, signal: controller.signal });
    demo.catch(() => undefined);
    await expect.poll(() => out.text, { timeout: 180_000, interval: 500 }).toContain('Everything stays up until Ctrl-C');
    const text = out.text;

    for (let step = 1; step <= 8; step++) expect(text).toContain(`[${step}/8]`);
    expect(text).toMatch(/✓ hello runs main@[0-9a-f]{7} on all 3 clusters/);
    expect(text).toMatch(/us-prod {4}ConfigMap hello\/greeting {2}message: "hello from us-prod"/);
    // The web Deployment's Pods really went Ready on each cluster's simulated node.
    for (const cluster of ['eu-dev    ', 'eu-staging', 'us-prod   ']) {
      expect(text).toContain(`${cluster} Deployment hello/web  registry.example/hello-web:1.0  ready 2/2, updated 2/2`);
      expect(text).toContain(`${cluster} Deployment hello/web  registry.example/hello-web:1.1  ready 2/2, updated 2/2`);
    }
    // The Kustomize app: one App per environment, each overlay built by the hub with kustomize into its own artifact.
    expect(text).toMatch(/✓ checkout-dev, checkout-staging, checkout-prod run main@[0-9a-f]{7}, each on the cluster of its environment/);
    expect(text).toMatch(/ConfigMap +checkout +checkout-settings-[a-z0-9]{10} +apps\/checkout\/base\/kustomization\.yaml/);
    expect(text).toMatch(/PodDisruptionBudget +checkout +checkout +apps\/checkout\/components\/high-availability\/pod-disruption-budget\.yaml/);
    const prodTable = /4 objects, artifact (sha256:[0-9a-f]{12}) \(\d+ bytes\) of main@[0-9a-f]{7}/.exec(text);
    const overlays = [
      /eu-dev {5}checkout-dev {5}ready 1\/1 {2}LOG_LEVEL=debug {2}PAYMENTS=sandbox {2}- {20}artifact (sha256:[0-9a-f]{12})/,
      /eu-staging checkout-staging ready 2\/2 {2}LOG_LEVEL=info {3}PAYMENTS=sandbox {2}PodDisruptionBudget {2}artifact (sha256:[0-9a-f]{12})/,
      /us-prod {4}checkout-prod {4}ready 3\/3 {2}LOG_LEVEL=warn {3}PAYMENTS=live {5}PodDisruptionBudget {2}artifact (sha256:[0-9a-f]{12})/,
    ].map((line) => line.exec(text)?.[1]);
    expect(overlays.every((digest) => digest !== undefined)).toBe(true);
    expect(new Set(overlays).size).toBe(3);
    expect(prodTable?.[1]).toBe(overlays[2]);
    expect(text).toContain('✓ 3 overlays, 3 artifacts');
    expect(text).toMatch(/✓ every cluster runs main@[0-9a-f]{7} \(configured 2 each\)/);
    // The release went out in waves: the dev canary, then staging, then prod.
    const waves = [/wave 0 \(canary\) {2}eu-dev {5}succeeded/, /wave 1 {11}eu-staging succeeded/, /wave 2 {11}us-prod {4}succeeded/].map((wave) => text.search(wave));
    expect(waves.every((at) => at > 0)).toBe(true);
    expect([...waves].sort((a, b) => a - b)).toEqual(waves);
    expect(text).toMatch(/us-prod {4}ConfigMap hello\/greeting {2}message: "bonjour from us-prod"/);
    expect(text).toMatch(/✓ the agent on us-prod reported the drift/);
    // The hand edit is the kubectl command printed, really run; the drift names the field manager that command writes as.
    const patch = /\$ (\S+\/kubectl) --kubeconfig (\S+) -n hello patch configmap greeting -p '\{"data":\{"message":"edited by hand"\}\}'\n/.exec(text);
    expect(patch).not.toBeNull();
    const driftRows = text.slice(patch?.index).split('\n').filter((line) => /ConfigMap\/hello\/greeting/.test(line) && /\/data\/message/.test(line));
    expect(driftRows.length).toBeGreaterThan(0);
    for (const row of driftRows) expect(row).toMatch(/\bkubectl-patch\b/);
    expect(text).toContain('✓ the drift names kubectl-patch, the field manager of the kubectl patch above');
    expect(text).toContain('corrected: us-prod serves "bonjour from us-prod" again');
    // The broken release: the canary's new Pod crash-loops beside the old ones, health times out, the rollout halts.
    expect(text).toMatch(/HEALTH_TIMEOUT Deployment\/hello\/web/);
    expect(text).toMatch(/✓ the rollout of main@[0-9a-f]{7} stopped: Halted/);
    expect(text).toContain('eu-dev     Deployment hello/web  registry.example/hello-web:broken  ready 2/2, updated 1/2');
    expect(text).toMatch(/✓ rolled back: every cluster runs main@[0-9a-f]{7} again/);
    expect(text.slice(text.lastIndexOf('rolled back: every cluster'))).toContain('eu-dev     Deployment hello/web  registry.example/hello-web:1.1  ready 2/2, updated 2/2');
    expect(text).toMatch(/Done in \d/);

    // The explore hints are right: the hub answers the CLI there, and both programs serve their metrics.
    const hubUrl = /FLOTILLA_HUB_URL=(\S+)/.exec(text)?.[1] as string;
    const grpcAddress = /FLOTILLA_HUB_GRPC_ADDRESS=(\S+)/.exec(text)?.[1] as string;
    const token = /FLOTILLA_API_TOKEN=(\S+)/.exec(text)?.[1] as string;
    expect(token).toMatch(/^flt_/);
    const env = { FLOTILLA_HUB_URL: hubUrl, FLOTILLA_HUB_GRPC_ADDRESS: grpcAddress, FLOTILLA_API_TOKEN: token };
    const status = capture();
    expect(await runCli(['status', 'hello'], { env, stdout: status.stream, stderr: status.stream })).toBe(0);
    expect(status.text.match(/Synced\s+Healthy\s+yes/g)).toHaveLength(3);
    const history = capture();
    await runCli(['--hub', hubUrl, '--token', token, 'apps', 'history', 'hello', '--cluster', 'eu-dev'], { env: {}, stdout: history.stream, stderr: history.stream });
    const drift = capture();
    // The hand edit was corrected, so GET /api/v1/drift (drift that is still there) has nothing left.
    expect(await runCli(['drift', 'hello'], { env, stdout: drift.stream, stderr: drift.stream })).toBe(0);
    expect(drift.text).toBe('no drift in app hello\n');
    const watched = capture();
    const watching = new AbortController();
    const watch = runCli(['status', '--watch'], { env, stdout: watched.stream, stderr: watched.stream, signal: watching.signal });
    await expect.poll(() => watched.text, { timeout: 10_000 }).toContain('watching for changes');
    watching.abort();
    expect(await watch).toBe(0);
    // The CLI shows the dev overlay's settings in the artifact eu-dev applies.
    const manifests = capture();
    expect(await runCli(['apps', 'manifests', 'checkout-dev', '--cluster', 'eu-dev', '-o', 'json'], { env, stdout: manifests.stream, stderr: manifests.stream })).toBe(0);
    const devObjects = (JSON.parse(manifests.text) as { objects: Array<{ object: { kind: string; data?: Record<string, string>; spec?: { replicas?: number } } }> }).objects;
    expect(devObjects.find((o) => o.object.kind === 'ConfigMap')?.object.data).toEqual({ LOG_LEVEL: 'debug', PAYMENTS: 'sandbox' });
    expect(devObjects.find((o) => o.object.kind === 'Deployment')?.object.spec?.replicas).toBe(1);
    expect(devObjects.map((o) => o.object.kind)).not.toContain('PodDisruptionBudget');
    expect(history.text).toMatch(/eu-dev\s+main@[0-9a-f]{7}\s+3\s+degraded\s+configured 1\s+.*Deployment\/hello\/web/);

    const hub = await scrapeMetrics(`${hubUrl}/metrics`);
    expect(metricValue(hub, 'flotilla_clusters')).toBe(3);
    expect(metricValue(hub, 'flotilla_agents_connected')).toBe(3);
    // hello on 3 clusters, and checkout-dev, -staging and -prod on one each.
    expect(metricValue(hub, 'flotilla_assignments', { phase: 'Synced' })).toBe(6);
    expect(metricValue(hub, 'flotilla_open_streams', { service: 'agent' })).toBe(3);
    // Only the canary ever got the broken release, and found it unhealthy.
    expect(metricValue(hub, 'flotilla_reconciles_total', { phase: 'Synced', health: 'Degraded' })).toBe(1);
    // hello: 4 objects on each of 3 clusters; checkout: 3 in dev, 4 in staging and prod (with the PodDisruptionBudget).
    expect(metricValue(hub, 'flotilla_objects_applied_total', { action: 'created' })).toBe(12 + 3 + 4 + 4);
    // One kustomize build per overlay and commit (the first, the release, the broken release), however many clusters.
    expect(metricValue(hub, 'flotilla_hub_renders_total', { renderer: 'kustomize', result: 'ok' })).toBe(3 * 3);
    expect(metricValue(hub, 'flotilla_hub_renders_total', { renderer: 'kustomize', result: 'failed' })).toBeUndefined();
    expect(metricValue(hub, 'flotilla_reconcile_duration_seconds_count', { phase: 'Synced' })).toBeGreaterThanOrEqual(9);
    const devMetricsUrl = /eu-dev (http:\/\/\S+\/metrics)/.exec(text)?.[1] as string;
    const agent = await scrapeMetrics(devMetricsUrl);
    expect(metricValue(agent, 'flotilla_agent_hub_connected')).toBe(1);
    expect(metricValue(agent, 'flotilla_agent_apps')).toBe(2);
    expect(metricValue(agent, 'flotilla_agent_reconciles_total', { app: 'hello', phase: 'Synced', health: 'Degraded' })).toBe(1);
    expect(metricValue(agent, 'flotilla_agent_objects_applied_total', { app: 'hello', action: 'configured' })).toBeGreaterThanOrEqual(1);

    controller.abort();
    const result = await demo;
    expect(result.features).toEqual({ drift: true, rollouts: true });
    expect(result.durationMs).toBeLessThan(180_000);
    await expect(fetch(`${hubUrl}/healthz`)).rejects.toThrow();
  }, 300_000);
});
