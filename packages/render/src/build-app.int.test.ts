import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlotillaError, type Artifact, type KubeObject } from '@flotilla/core';
import { ensureKustomize } from '@flotilla/testenv';
import { buildApp, detectRenderer, findRenderTools, substituteArtifact, type BuiltApp, type RenderToolsOptions } from './index.js';

const fixture = fileURLToPath(new URL('../test-fixtures/fleet', import.meta.url));
const cluster = { 'cluster.name': 'eu-west-1', 'cluster.labels.region': 'eu-west', 'cluster.labels.env': 'prod' };

let tools: RenderToolsOptions;
let work: string;

beforeAll(async () => {
  const kustomize = await ensureKustomize();
  tools = { kustomizePath: kustomize.path, timeoutMs: 30_000, maxOutputBytes: 16 * 1024 * 1024 };
  work = mkdtempSync(join(tmpdir(), 'flotilla-render-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the fixture repository, with more files written into it, as a checkout. */
function checkoutWith(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(work, 'checkout-'));
  cpSync(fixture, dir, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

async function render(checkoutDir: string, appPath: string, allowRemoteBases = false): Promise<Artifact> {
  return substituteArtifact(await buildApp({ checkoutDir, appPath, allowRemoteBases }, tools), cluster);
}

async function renderError(checkoutDir: string, appPath: string, allowRemoteBases = false): Promise<FlotillaError> {
  const error = await render(checkoutDir, appPath, allowRemoteBases).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(FlotillaError.is(error, 'RENDER_FAILED'), String(error)).toBe(true);
  return error as FlotillaError;
}

const named = (artifact: Artifact, kind: string): KubeObject[] => artifact.objects.map((o) => o.object).filter((o) => o.kind === kind);
const ids = (artifact: Artifact): string[] => artifact.objects.map(({ object }) => `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`);

describe('building an App with kustomize', () => {
  it('finds the kustomize it was given and says its version', async () => {
    const found = await findRenderTools({ kustomizePath: tools.kustomizePath ?? '', env: {} });
    expect(found.kustomize?.version).toContain('v5.8.2');
    expect(await findRenderTools({ env: { PATH: '/nonexistent' } })).toEqual({ kustomize: null });
  });

  it('tells kustomize paths, plain paths and undeclared Helm charts apart', async () => {
    expect(await detectRenderer(fixture, 'apps/shop/overlays/prod')).toBe('kustomize');
    expect(await detectRenderer(fixture, 'platform/monitoring')).toBe('plain');
    await expect(detectRenderer(fixture, 'charts/podinfo')).rejects.toThrow(/"charts\/podinfo" is a Helm chart \(it has Chart.yaml\): charts are not supported yet/);
  });

  it('builds each environment overlay of one base with its own namespace, patches, images and generators', async () => {
    const dev = await render(fixture, 'apps/shop/overlays/dev');
    const staging = await render(fixture, 'apps/shop/overlays/staging');
    const prod = await render(fixture, 'apps/shop/overlays/prod');

    expect(ids(dev)).toEqual(['ConfigMap/shop-dev/shop-config-dev-bc6dgh6c46', 'Service/shop-dev/shop-dev', 'Deployment/shop-dev/shop-dev']);
    expect(named(dev, 'ConfigMap')[0]?.['data']).toMatchObject({ LOG_LEVEL: 'debug' });
    const [stagingDeployment] = named(staging, 'Deployment');
    expect(stagingDeployment?.['spec']).toMatchObject({ replicas: 2, template: { spec: { containers: [{ image: 'ghcr.io/example/shop:1.5.0-rc.1' }] } } });

    // prod: a component (dashboard generator + JSON patch), a strategic merge patch, a secretGenerator, one more file.
    expect(ids(prod)).toEqual([
      'ConfigMap/shop-prod/shop-config-55f7tbtb2t',
      'ConfigMap/shop-prod/shop-dashboard-b7t6m66gt7',
      'Secret/shop-prod/shop-tls-2f6776bhhh',
      'Service/shop-prod/shop',
      'Deployment/shop-prod/shop',
      'PodDisruptionBudget/shop-prod/shop',
    ]);
    const [deployment] = named(prod, 'Deployment');
    expect(deployment?.['spec']).toMatchObject({
      replicas: 5,
      template: {
        metadata: { annotations: { 'prometheus.io/scrape': 'true' } },
        spec: { containers: [{ image: 'ghcr.io/example/shop:1.4.2', resources: { limits: { memory: '1Gi' } }, env: [{ name: 'CLUSTER', value: 'eu-west-1' }] }] },
      },
    });
    expect(named(prod, 'Secret')[0]).toMatchObject({ type: 'kubernetes.io/tls' });
    // Where each object came from: the file it was read from, or the kustomization whose generator made it.
    expect(prod.objects.map((o) => o.source.file)).toEqual([
      'apps/shop/base/kustomization.yaml',
      'apps/shop/components/monitoring/kustomization.yaml',
      'apps/shop/overlays/prod/kustomization.yaml',
      'apps/shop/base/service.yaml',
      'apps/shop/base/deployment.yaml',
      'apps/shop/overlays/prod/pdb.yaml',
    ]);
    expect(prod.objects.every((o) => o.source.line === 0 && o.object.metadata.annotations?.['config.kubernetes.io/origin'] === undefined)).toBe(true);
  });

  it('gives exactly the objects `kustomize build` of the path prints, with or without origins', async () => {
    const { stdout } = await promisify(execFile)(tools.kustomizePath ?? '', ['build', join(fixture, 'apps/shop/overlays/prod')]);
    const request = { checkoutDir: fixture, appPath: 'apps/shop/overlays/prod', allowRemoteBases: false };
    const values = (app: BuiltApp): unknown[] => app.objects.map((o) => (o.kind === 'object' ? o.object : (parse(o.text) as unknown)));
    const expected = parseAllDocuments(stdout).map((d) => d.toJS() as unknown);
    expect(values(await buildApp(request, tools))).toEqual(expected);
    const plain = await buildApp(request, { ...tools, kustomizeOrigins: false });
    expect(values(plain)).toEqual(expected);
    expect(new Set(plain.objects.map((o) => o.source.file))).toEqual(new Set(['apps/shop/overlays/prod/kustomization.yaml']));
  });

  it('substitutes cluster variables in the output per object, and leaves every other ${...} and opted-out objects alone', async () => {
    const prod = await render(fixture, 'apps/shop/overlays/prod');
    const [config, dashboard] = named(prod, 'ConfigMap');
    expect(config?.['data']).toMatchObject({
      'application.properties': expect.stringContaining('url=jdbc:postgresql://${DB_HOST:localhost}:5432/shop\nregion=eu-west\n'),
    });
    const json = JSON.parse((dashboard?.['data'] as Record<string, string>)['shop-dashboard.json'] ?? '') as { title: string; panels: Array<{ targets: Array<{ expr: string }> }> };
    expect(json.title).toBe('Shop (${cluster.name} is not substituted here: the object opts out)');
    expect(json.panels[0]?.targets[0]?.expr).toBe('sum(rate(http_requests_total{namespace="${namespace}"}[${__rate_interval}]))');
  });

  it('builds the same bytes from the same inputs, and another artifact for another cluster', async () => {
    const built = await buildApp({ checkoutDir: fixture, appPath: 'apps/shop/overlays/dev', allowRemoteBases: false }, tools);
    const again = await buildApp({ checkoutDir: checkoutWith(), appPath: 'apps/shop/overlays/dev', allowRemoteBases: false }, tools);
    expect(substituteArtifact(again, cluster)).toEqual(substituteArtifact(built, cluster));
    expect(substituteArtifact(built, { ...cluster, 'cluster.name': 'us-east-1' })).not.toEqual(substituteArtifact(built, cluster));
  });

  it('reads a base elsewhere in the repository, through a symlink that stays inside it', async () => {
    const dir = checkoutWith({ 'clusters/eu/kustomization.yaml': 'resources:\n  - ../../apps/shop/overlays/staging\nnamePrefix: eu-\n' });
    symlinkSync('../apps/shop/base', join(dir, 'clusters/shop-base'));
    mkdirSync(join(dir, 'clusters/linked'));
    writeFileSync(join(dir, 'clusters/linked/kustomization.yaml'), 'resources:\n  - ../shop-base\n');
    expect(ids(await render(dir, 'clusters/eu'))).toContain('Deployment/shop-staging/eu-shop');
    expect(ids(await render(dir, 'clusters/linked'))).toContain('Deployment//shop');
  });
});

describe('refusing bad kustomize input', () => {
  it('refuses a base that climbs out of the checkout with ../..', async () => {
    const dir = checkoutWith({ 'apps/escape/kustomization.yaml': 'resources:\n  - ../../../\n' });
    mkdirSync(join(dir, '..', 'kustomization-outside'), { recursive: true });
    const error = await renderError(dir, 'apps/escape');
    expect(error.data).toMatchObject({ renderer: 'kustomize', file: 'apps/escape/kustomization.yaml' });
    expect(error.message).toContain('resources entry "../../../" leaves the repository');
  });

  it('refuses an absolute path and a symlink that leads out of the repository', async () => {
    const outside = mkdtempSync(join(work, 'outside-'));
    writeFileSync(join(outside, 'kustomization.yaml'), 'resources: [secret.yaml]\n');
    writeFileSync(join(outside, 'secret.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata: {name: not-yours}\n');
    const dir = checkoutWith({
      'apps/absolute/kustomization.yaml': `resources:\n  - ${outside}\n`,
      'apps/linked/kustomization.yaml': 'resources:\n  - ./vendor\n',
    });
    symlinkSync(outside, join(dir, 'apps/linked/vendor'));
    expect((await renderError(dir, 'apps/absolute')).message).toContain('is an absolute path: only paths inside the repository can be built');
    expect((await renderError(dir, 'apps/linked')).message).toContain('resources entry "./vendor" leaves the repository through a symlink');
  });

  it('refuses an App path through a symlink, even one that stays inside the repository', async () => {
    const dir = checkoutWith();
    symlinkSync('apps/shop/base', join(dir, 'shop-link'));
    const error = await renderError(dir, 'shop-link');
    expect(error.data).toMatchObject({ file: 'shop-link' });
    expect(error.message).toContain('path "shop-link" goes through a symlink (to "apps/shop/base")');
  });

  it('keeps kustomize\'s load restrictor on: a file outside the kustomization\'s own directory is refused by kustomize, in its words', async () => {
    const dir = checkoutWith({ 'apps/loose/kustomization.yaml': 'resources:\n  - ../shop/base/service.yaml\n' });
    const error = await renderError(dir, 'apps/loose');
    expect(error.data['message']).toMatch(/security; file '.*apps\/shop\/base\/service.yaml' is not in or below/);
    expect(error.data['message']).not.toContain(dir);
    expect(error.data['message']).not.toContain('flotilla-kustomize-');
  });

  it('refuses a remote base unless the App allows remote bases', async () => {
    const remote = 'https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v5.8.2';
    const dir = checkoutWith({ 'apps/remote/kustomization.yaml': `resources:\n  - ${remote}\n  - ../shop/base\n` });
    const error = await renderError(dir, 'apps/remote');
    expect(error.data).toMatchObject({ file: 'apps/remote/kustomization.yaml' });
    expect(error.message).toContain(`resources entry "${remote}" is a remote base, and this App does not allow remote bases`);
    const component = checkoutWith({ 'apps/remote/kustomization.yaml': 'resources: [../shop/base]\ncomponents:\n  - github.com/example/components//monitoring?ref=v1\n' });
    expect((await renderError(component, 'apps/remote')).message).toContain('components entry "github.com/example/components//monitoring?ref=v1" is a remote base');
  });

  it('refuses a remote file in any field kustomize would fetch it for', async () => {
    const dir = checkoutWith({
      'apps/remote-patch/kustomization.yaml': 'resources: [../shop/base]\npatches:\n  - path: https://example.invalid/patch.yaml\ncommonAnnotations:\n  docs: https://example.invalid/docs\n',
      'apps/remote-file/kustomization.yaml': 'configMapGenerator:\n  - name: c\n    files: [rules.yaml=https://example.invalid/rules.yaml]\n',
    });
    expect((await renderError(dir, 'apps/remote-patch')).message).toContain('path "https://example.invalid/patch.yaml" is a remote file, and this App does not allow remote bases');
    expect((await renderError(dir, 'apps/remote-file')).message).toContain('files "https://example.invalid/rules.yaml" is a remote file');
  });

  it('refuses output that is not Kubernetes objects', async () => {
    const dir = checkoutWith({ 'apps/config/kustomization.yaml': 'resources: [settings.yaml]\n', 'apps/config/settings.yaml': 'logLevel: debug\nreplicas: 3\n' });
    const error = await renderError(dir, 'apps/config');
    expect(error.data).toMatchObject({ renderer: 'kustomize', file: 'apps/config/settings.yaml' });
    expect(error.message).toMatch(/missing Resource metadata|kind/i);
  });

  it('says an undeclared Helm chart is one, instead of a hundred template parse errors', async () => {
    const error = await renderError(fixture, 'charts/podinfo');
    expect(error.data).toMatchObject({ file: 'charts/podinfo/Chart.yaml' });
    expect(error.message).toContain('charts are not supported yet');
  });

  it('gives kustomize\'s own message with the file when a patch is wrong', async () => {
    const dir = checkoutWith({
      'apps/shop/overlays/staging/replicas.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  replicas: [2\n',
    });
    const error = await renderError(dir, 'apps/shop/overlays/staging');
    expect(error.data).toMatchObject({ renderer: 'kustomize', file: 'apps/shop/overlays/staging/replicas.yaml' });
    expect(error.message).toContain('apps/shop/overlays/staging/replicas.yaml');
    expect(error.message).not.toContain(dir);
    expect(error.message).not.toContain('flotilla-kustomize-');
  });

  it('says an undefined cluster variable in kustomize output names the object', async () => {
    const dir = checkoutWith({ 'apps/shop/base/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: shop\n  labels:\n    zone: ${cluster.labels.zone}\nspec:\n  ports: [{port: 80}]\n' });
    const error = await renderError(dir, 'apps/shop/overlays/dev');
    expect(error.data['errors']).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_VARIABLE', file: 'apps/shop/base/service.yaml', message: expect.stringContaining('Service/shop-dev/shop-dev: variable "cluster.labels.zone" is not defined') }),
    ]);
  });

  it('stops a build past the output limit and says which limit', async () => {
    await expect(buildApp({ checkoutDir: fixture, appPath: 'apps/shop/overlays/prod', allowRemoteBases: false }, { ...tools, maxOutputBytes: 1000 })).rejects.toThrow(
      'kustomize build printed more than 1000 bytes (the render output limit)',
    );
  });

  it('stops a build past the timeout and says which limit', async () => {
    await expect(buildApp({ checkoutDir: fixture, appPath: 'apps/shop/overlays/prod', allowRemoteBases: false }, { ...tools, timeoutMs: 1 })).rejects.toThrow(
      'kustomize build did not finish within 1 ms (the render timeout)',
    );
  });

  it('fails a kustomize App clearly on a hub without kustomize', async () => {
    await expect(buildApp({ checkoutDir: fixture, appPath: 'apps/shop/overlays/dev', allowRemoteBases: false }, { ...tools, kustomizePath: null })).rejects.toThrow(
      'this App needs kustomize, and the hub has none: set FLOTILLA_KUSTOMIZE_PATH',
    );
  });
});

describe('building plain manifests', () => {
  it('substitutes only cluster and App variables in dashboards, scripts and exporter configs, in file order', async () => {
    const artifact = await render(fixture, 'platform/monitoring');
    expect(ids(artifact)).toEqual([
      'ConfigMap/monitoring/backup-script',
      'CronJob/monitoring/backup',
      'ConfigMap/monitoring/blackbox-exporter',
      'ConfigMap/monitoring/node-dashboard',
    ]);
    const [script, , exporter, dashboard] = artifact.objects.map((o) => o.object['data'] as Record<string, string> | undefined);
    expect(script?.['backup.sh']).toContain('target="${1:-/backup}"\nkeep="${KEEP_DAYS:-7}"\necho "backing up ${HOME} of eu-west-1 to ${target}"\nfor f in "$@"; do cp -r "${f}" "${target}/${f##*/}"; done');
    expect(exporter?.['blackbox.yml']).toContain('Authorization: "Bearer ${BLACKBOX_TOKEN}"\n      fail_if_body_not_matches_regexp: ["${cluster.name}"]');
    expect(dashboard?.['node.json']).toContain('"title": "Nodes of eu-west-1"');
    expect(dashboard?.['node.json']).toContain('"expr": "1 - avg(rate(node_cpu_seconds_total{mode=\\"idle\\", instance=~\\"${instance}\\"}[${__rate_interval}]))"');
    expect(artifact.objects[3]?.object.metadata.labels).toEqual({ grafana_dashboard: '1', cluster: 'eu-west-1' });
    expect(artifact.objects.map((o) => o.source)).toEqual([
      { file: 'platform/monitoring/backup-script.yaml', line: 1 },
      { file: 'platform/monitoring/backup-script.yaml', line: 16 },
      { file: 'platform/monitoring/blackbox-exporter.yaml', line: 1 },
      { file: 'platform/monitoring/grafana-dashboard.yaml', line: 2 },
    ]);
  });

  it('names the file and line of an undefined cluster variable', async () => {
    const failed = await substituteArtifactError(fixture, 'platform/monitoring', { 'cluster.name': 'eu-west-1' });
    expect(failed.data['errors']).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_VARIABLE', file: 'platform/monitoring/backup-script.yaml', line: 34, message: expect.stringContaining('"cluster.labels.region"') }),
    ]);
  });

  it('refuses a path that leaves the checkout, and one that does not exist', async () => {
    await expect(buildApp({ checkoutDir: fixture, appPath: '../..', allowRemoteBases: false }, tools)).rejects.toThrow('must stay inside the repository');
    await expect(buildApp({ checkoutDir: fixture, appPath: 'apps/nope', allowRemoteBases: false }, tools)).rejects.toThrow('path "apps/nope" does not exist in this revision');
  });
});

async function substituteArtifactError(checkoutDir: string, appPath: string, variables: Record<string, string>): Promise<FlotillaError> {
  const built = await buildApp({ checkoutDir, appPath, allowRemoteBases: false }, tools);
  try {
    substituteArtifact(built, variables);
  } catch (error) {
    expect(FlotillaError.is(error, 'RENDER_FAILED')).toBe(true);
    return error as FlotillaError;
  }
  throw new Error('substituteArtifact did not fail');
}
