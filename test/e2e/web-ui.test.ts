/// <reference lib="dom" />
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { HubApiClient } from '@flotilla/api';
import { KubeClient } from '@flotilla/kube';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLEET_ADMIN_TOKEN, type Fleet, startFleet } from './fleet.js';

// The web UI in a real browser (Debian's chromium, driven by playwright-core) against a real hub, agent and cluster.
// Screenshots of each view go to packages/ui/screenshots/ (git-ignored).

const CHROMIUM = process.env.FLOTILLA_CHROMIUM ?? '/usr/bin/chromium';
const uiDir = dirname(createRequire(import.meta.url).resolve('@flotilla/ui/package.json'));
const SCREENSHOTS = join(uiDir, 'screenshots');
const configMap = (greeting: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  greeting: ${greeting}\n`;
const files = { 'web/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n', 'web/configmap.yaml': configMap('hello') };

/**
 * Fills the signed-in page's store with 1,000 clusters x 50 apps (as a snapshot from the feed would), times until the
 * matrix shows it, then one live status change until its cell shows it. A string, so the test's compiler leaves it as
 * written for the browser.
 */
const BENCH_1000_BY_50 = `(async () => {
  const store = window.flotillaStore;
  if (!store) throw new Error('window.flotillaStore is not set');
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const started = performance.now();
  for (let c = 0; c < 1000; c++) {
    const cluster = 'bench-' + String(c).padStart(4, '0');
    store.apply({ cursor: 'bench-0', clusterSnapshot: { name: cluster, labels: { env: c % 2 ? 'prod' : 'dev' }, connected: true } });
    for (let a = 0; a < 50; a++) {
      const app = 'app-' + String(a).padStart(2, '0');
      store.apply({ cursor: 'bench-0', statusSnapshot: { app, cluster, phase: 'PHASE_SYNCED', health: 'HEALTH_HEALTHY', appliedRevision: 'main@sha1:1', appliedGeneration: 1, desiredGeneration: 1 } });
    }
  }
  store.apply({ cursor: 'bench-0', snapshotComplete: {} });
  const target = () => document.querySelector('[data-cell="app-00/bench-0000"]');
  while (!target()) await frame();
  const firstRender = performance.now() - started;
  const updateStarted = performance.now();
  store.apply({ cursor: 'bench-1', status: { app: 'app-00', cluster: 'bench-0000', phase: 'PHASE_FAILED', health: 'HEALTH_DEGRADED', appliedGeneration: 1, desiredGeneration: 1 } });
  while (!target().textContent.includes('Failed')) await frame();
  const liveUpdate = performance.now() - updateStarted;
  return { firstRender, liveUpdate, cells: document.querySelectorAll('[data-cell]').length };
})()`;

describe('the web UI in a real browser, against a real hub, agent and cluster', () => {
  let fleet: Fleet;
  let browser: Browser;
  let kube: KubeClient;
  let admin: HubApiClient;
  let viewerToken: string;
  const revisions: string[] = [];

  const client = () => new HubApiClient({ url: fleet.hub.httpUrl, token: FLEET_ADMIN_TOKEN });
  const appliedOn = async (cluster: string) => (await client().getAppStatus('web')).items.find((i) => i.cluster === cluster)?.applied?.revision;
  const commit = async (greeting: string): Promise<string> => {
    const checkout = await fleet.git.checkout('fleet');
    await checkout.write('web/configmap.yaml', configMap(greeting));
    await checkout.commit(`greeting: ${greeting}`);
    await checkout.push();
    const refreshed = await client().refreshSource('fleet');
    return refreshed.revision as string;
  };
  const signIn = async (token: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(fleet.hub.httpUrl + '/');
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('feed-state').getByText('● live').waitFor();
    return page;
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });

  beforeAll(async () => {
    readFileSync(join(uiDir, 'dist', 'index.html')); // the UI must be built: `pnpm build` builds it
    mkdirSync(SCREENSHOTS, { recursive: true });
    fleet = await startFleet({ clusters: { 'eu-1': { env: 'prod' } }, files });
    kube = new KubeClient({ kubeConfig: (fleet.planes['eu-1'] as NonNullable<Fleet['planes'][string]>).kubeConfig('admin') });
    admin = client();
    await fleet.startAgent('eu-1');
    await admin.createSource({ name: 'fleet', url: fleet.git.repoUrl('fleet'), pollIntervalSeconds: 3600 });
    await admin.createApp({ name: 'web', source: 'fleet', path: 'web', namespace: 'web', targets: { selector: { matchLabels: { env: 'prod' } } }, policy: { drift: { mode: 'report' } } });
    viewerToken = (await admin.createApiToken({ name: 'looker', role: 'viewer' })).token;
    // expect.poll works inside tests only: wait for the first apply by hand.
    for (const deadline = Date.now() + 60_000; !(await appliedOn('eu-1')); ) {
      if (Date.now() > deadline) throw new Error('web was not applied on eu-1 within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    revisions.push((await appliedOn('eu-1')) as string);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
  });

  it('keeps the first load light: JavaScript under 300 KB gzip', () => {
    const index = readFileSync(join(uiDir, 'dist', 'index.html'), 'utf8');
    const scripts = [...index.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string);
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(join(uiDir, 'dist', file)), { level: 9 }).length, 0);
    console.log(`web UI first-load JavaScript: ${scripts.join(', ')} = ${(gzipped / 1024).toFixed(1)} KiB gzip`);
    expect(gzipped).toBeLessThan(300 * 1024);
  });

  it('serves index.html revalidated and hashed assets immutable, and says how to sign in', async () => {
    const index = await fetch(fleet.hub.httpUrl + '/');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const asset = /\.\/(assets\/[^"]+\.js)/.exec(await index.text())?.[1];
    expect((await fetch(`${fleet.hub.httpUrl}/${asset}`)).headers.get('cache-control')).toContain('immutable');
    const page = await browser.newPage();
    await page.goto(fleet.hub.httpUrl + '/');
    await page.getByLabel('API token').waitFor();
    await shot(page, 'sign-in.png');
    expect(await page.evaluate(() => ({ local: localStorage.length, url: location.href }))).toEqual({ local: 0, url: fleet.hub.httpUrl + '/' });
    await page.close();
  });

  it('turns a cell Synced on the new revision when a commit rolls out', async () => {
    const page = await signIn(FLEET_ADMIN_TOKEN);
    const cell = page.locator('[data-cell="web/eu-1"]');
    await expect.poll(() => cell.getAttribute('data-revision')).toBe(revisions[0]);
    expect(await cell.textContent()).toContain('Synced');
    const revision = await commit('bonjour');
    revisions.push(revision);
    await expect.poll(() => cell.getAttribute('data-revision'), { timeout: 30_000, interval: 100 }).toBe(revision);
    await expect.poll(() => cell.textContent()).toContain('Synced · Healthy');
    expect(await cell.getAttribute('class')).toContain('tone-ok');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(1);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    await shot(page, 'fleet.png');
    await page.goto(`${fleet.hub.httpUrl}/#/clusters/eu-1`);
    await page.getByText('● connected').waitFor();
    await shot(page, 'cluster.png');
    await page.close();
  });

  it('shows a drift made through the Kubernetes API within 2 s, with its field and manager', async () => {
    const page = await signIn(FLEET_ADMIN_TOKEN);
    await page.goto(`${fleet.hub.httpUrl}/#/drift`);
    await page.getByText('No drift').waitFor();
    const at = Date.now();
    await kube.request({
      method: 'PATCH',
      path: '/api/v1/namespaces/web/configmaps/settings',
      body: { data: { greeting: 'edited by hand' } },
      contentType: 'application/merge-patch+json',
      query: { fieldManager: 'kubectl-edit' },
    });
    await page.getByTestId('drift-manager').getByText('kubectl-edit').waitFor({ timeout: 10_000 });
    const elapsed = Date.now() - at;
    console.log(`drift made through the Kubernetes API shown in the UI after ${elapsed} ms`);
    expect(await page.getByTestId('drift-field').allTextContents()).toContain('/data/greeting');
    expect(elapsed).toBeLessThan(2_000);
    await shot(page, 'drift.png');
    await page.close();
  });

  it('rolls the app back with the rollback button, after a confirmation, and shows the result', async () => {
    const page = await signIn(FLEET_ADMIN_TOKEN);
    await page.goto(`${fleet.hub.httpUrl}/#/apps/web`);
    await page.getByRole('button', { name: 'Roll back' }).click();
    await page.getByText(/rollback #\d+ to main@\S+ started/).waitFor();
    await expect.poll(() => appliedOn('eu-1'), { timeout: 30_000, interval: 200 }).toBe(revisions[0]);
    await page.getByRole('cell', { name: 'pinned', exact: true }).waitFor();
    await shot(page, 'app.png');
    await page.goto(`${fleet.hub.httpUrl}/#/audit`);
    await page.getByRole('cell', { name: 'app.rollback' }).first().waitFor();
    await shot(page, 'audit.png');
    await page.close();
  });

  it('shows the app\'s rendered manifests on a picked cluster: the artifact digest and each object with its source file', async () => {
    const page = await signIn(FLEET_ADMIN_TOKEN);
    await page.goto(`${fleet.hub.httpUrl}/#/apps/web`);
    const picker = page.getByLabel('Cluster', { exact: true });
    await picker.getByRole('option', { name: 'eu-1' }).waitFor({ state: 'attached' });
    await picker.focus();
    await picker.selectOption('eu-1');
    const objects = page.getByTestId('manifest-object');
    const configMap = objects.filter({ hasText: 'ConfigMap' });
    await configMap.waitFor({ timeout: 10_000 });
    expect(await configMap.getByTestId('manifest-source').textContent()).toMatch(/^web\/configmap\.yaml(:\d+)?$/);
    expect(await configMap.locator('summary').textContent()).toContain('settings');
    expect(await page.getByTestId('artifact-digest').textContent()).toMatch(/^sha256:[0-9a-f]{64}$/);
    await configMap.locator('summary').click();
    expect(await configMap.locator('pre').textContent()).toContain('"greeting"');
    await shot(page, 'app-manifests.png');
    await page.close();
  });

  it('offers a viewer no rollback button (the hub would refuse it)', async () => {
    const page = await signIn(viewerToken);
    await page.goto(`${fleet.hub.httpUrl}/#/apps/web`);
    await page.getByRole('heading', { name: 'Clusters' }).waitFor();
    expect(await page.getByRole('button', { name: 'Roll back' }).count()).toBe(0);
    expect(await page.getByRole('button').allTextContents()).toEqual(['Sign out']);
    await expect(new HubApiClient({ url: fleet.hub.httpUrl, token: viewerToken }).rollbackApp('web', {})).rejects.toMatchObject({ status: 403 });
    await page.close();
  });

  it('recovers a lost connection (hub restart) and catches up without a reload', async () => {
    const page = await signIn(FLEET_ADMIN_TOKEN);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    await fleet.stopHub();
    await page.getByTestId('feed-state').getByText('reconnecting').waitFor();
    await fleet.startHub();
    await page.getByTestId('feed-state').getByText('● live').waitFor({ timeout: 30_000 });
    await admin.unpinApp('web', {});
    const revision = await commit('hallo');
    const cell = page.locator('[data-cell="web/eu-1"]');
    await expect.poll(() => cell.getAttribute('data-revision'), { timeout: 30_000, interval: 100 }).toBe(revision);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    await page.close();
  });

  it('renders 1,000 clusters x 50 apps and a live update of it (figures printed)', async () => {
    const page = await signIn(FLEET_ADMIN_TOKEN);
    const figures = (await page.evaluate(BENCH_1000_BY_50)) as { firstRender: number; liveUpdate: number; cells: number };
    console.log(
      `fleet matrix 1,000 clusters x 50 apps: first render ${figures.firstRender.toFixed(0)} ms (50,000 statuses applied and painted), ` +
        `live update ${figures.liveUpdate.toFixed(0)} ms, ${figures.cells} cells in the DOM`,
    );
    expect(figures.cells).toBeLessThan(5_000);
    await shot(page, 'fleet-1000x50.png');
    await page.close();
  });
});
