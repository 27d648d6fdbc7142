import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeArtifact, FlotillaError } from '@flotilla/core';
import { buildApp, substituteArtifact, type BuiltApp } from './index.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function built(files: Record<string, string>): Promise<BuiltApp> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-substitute-'));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return buildApp({ checkoutDir: dir, appPath: 'app', allowRemoteBases: false }, { kustomizePath: null, timeoutMs: 10_000, maxOutputBytes: 1024 * 1024 });
}

const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: ${cluster.labels.replicas}\n';
const plainConfig = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  a: "1"\n';

describe('substituting one cluster\'s variables into a built App', () => {
  it('parses objects without ${ once, and the others per cluster, so values may be numbers', async () => {
    const app = await built({ 'app/config.yaml': plainConfig, 'app/web.yaml': deployment });
    expect(app.objects.map((o) => o.kind)).toEqual(['object', 'template']);
    const eu = substituteArtifact(app, { 'cluster.name': 'eu', 'cluster.labels.replicas': '3' });
    const us = substituteArtifact(app, { 'cluster.name': 'us', 'cluster.labels.replicas': '5' });
    expect(eu.objects.map((o) => o.object['spec'])).toEqual([undefined, { replicas: 3 }]);
    expect(us.objects[1]?.object['spec']).toEqual({ replicas: 5 });
    expect(eu.objects.map((o) => o.source)).toEqual([
      { file: 'app/config.yaml', line: 1 },
      { file: 'app/web.yaml', line: 1 },
    ]);
    expect(encodeArtifact(eu).digest).toBe(encodeArtifact(substituteArtifact(app, { 'cluster.name': 'eu', 'cluster.labels.replicas': '3' })).digest);
    expect(encodeArtifact(eu).digest).not.toBe(encodeArtifact(us).digest);
  });

  it('substitutes inside List documents and JSON files', async () => {
    const list = 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: { name: a }\n    data: { at: "${cluster.name}" }\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: { name: b }\n';
    const json = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c-${cluster.name}"}, "data": {"q": "${query}"}}';
    const artifact = substituteArtifact(await built({ 'app/list.yaml': list, 'app/z.json': json }), { 'cluster.name': 'eu' });
    expect(artifact.objects.map((o) => [o.object.metadata.name, o.object['data'], o.source.line])).toEqual([
      ['a', { at: 'eu' }, 4],
      ['b', undefined, 8],
      ['c-eu', { q: '${query}' }, 1],
    ]);
  });

  it('parses a dashboard naming none of the variables once, and again only for an App that defines one it names', async () => {
    const dashboard = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dash\ndata:\n  d.json: \'{"uid": "${datasource}", "expr": "x[${__rate_interval}]"}\'\n';
    const app = await built({ 'app/dash.yaml': dashboard });
    const [eu, us] = [substituteArtifact(app, { 'cluster.name': 'eu' }), substituteArtifact(app, { 'cluster.name': 'us' })];
    expect(eu.objects[0]?.object).toBe(us.objects[0]?.object);
    expect(eu.objects[0]?.object['data']).toEqual({ 'd.json': '{"uid": "${datasource}", "expr": "x[${__rate_interval}]"}' });
    const own = substituteArtifact(app, { 'cluster.name': 'eu', datasource: 'thanos' });
    expect(own.objects[0]?.object['data']).toEqual({ 'd.json': '{"uid": "thanos", "expr": "x[${__rate_interval}]"}' });
    expect(substituteArtifact(app, { 'cluster.name': 'eu' }).objects[0]?.object['data']).toEqual(eu.objects[0]?.object['data']);
  });

  it('refuses two objects that only become one after substitution, naming both places', async () => {
    const named = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
    const app = await built({ 'app/a.yaml': named('cfg-eu'), 'app/b.yaml': named('cfg-${cluster.name}') });
    expect(substituteArtifact(app, { 'cluster.name': 'us' }).objects).toHaveLength(2);
    expect(() => substituteArtifact(app, { 'cluster.name': 'eu' })).toThrow('ConfigMap/cfg-eu is declared twice: in app/a.yaml:1 and app/b.yaml:1');
  });

  it('refuses variable names that could never be written in a manifest', async () => {
    const app = await built({ 'app/web.yaml': deployment });
    const error = (() => {
      try {
        substituteArtifact(app, { 'bad name': 'x' });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(FlotillaError.is(error, 'INVALID_ARGUMENT')).toBe(true);
  });
});
