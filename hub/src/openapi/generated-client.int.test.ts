import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clusterPageSchema, createdClusterViewSchema, errorBodySchema } from '@flotilla/api';
import createClient from 'openapi-fetch';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readServedOpenApiDocument } from '../testing/served-openapi-document.js';
import { startTestHub, type TestHub } from '../testing/start-test-hub.js';

// Inside hub/node_modules, so that the files written there resolve openapi-fetch as a user's project would.
const scratchParent = fileURLToPath(new URL('../../node_modules/', import.meta.url));

/** A caller's code using the generated types: every line must compile. */
const TYPED_CALLS = `
import createClient from 'openapi-fetch';
import type { paths } from './schema.js';

const client = createClient<paths>({ baseUrl: 'http://127.0.0.1:8080', headers: { authorization: 'Bearer flt_x' } });
export async function calls(): Promise<void> {
  const clusters = await client.GET('/api/v1/clusters', { params: { query: { selector: 'env=prod', limit: 10 } } });
  const names: string[] = clusters.data?.items.map((cluster) => cluster.name) ?? [];
  const heartbeat: string | null | undefined = clusters.data?.items[0]?.lastHeartbeatAt;
  const code: string | undefined = clusters.error?.error.code;
  const created = await client.POST('/api/v1/clusters', { body: { name: 'eu-1', labels: { env: 'prod' } } });
  const joinToken: string | undefined = created.data?.joinToken;
  const rollout = await client.GET('/api/v1/rollouts/{id}', { params: { path: { id: 7 } } });
  const wave: number | undefined = rollout.data?.currentWave;
  const failed: number | undefined = rollout.data?.progress.failed;
  await client.POST('/api/v1/rollouts/{id}/pause', { params: { path: { id: 7 } }, body: { reason: 'looking into it' } });
  void [names, heartbeat, code, joinToken, wave, failed];
}
`;

/** Calls the generated types must refuse, one per line, each marked with what is wrong. */
const WRONG_CALLS = [
  `await client.GET('/api/v1/clusters', { params: { query: { limit: 'ten' } } }); // limit is a number`,
  `await client.POST('/api/v1/clusters', { body: { labels: {} } }); // name is required`,
  `await client.GET('/api/v1/rollouts/{id}', { params: { path: { id: 'x' } } }); // id is an integer`,
  `await client.GET('/api/v1/nowhere'); // no such path`,
  `const wave: string | undefined = (await client.GET('/api/v1/rollouts')).data?.items[0]?.currentWave; void wave; // currentWave is a number`,
  `const phase: 'Synced' | undefined = (await client.GET('/api/v1/apps/{name}/status', { params: { path: { name: 'web' } } })).data?.items[0]?.applied?.health; void phase; // health is not a phase`,
];

function typeCheck(dir: string, files: Record<string, string>): ts.Diagnostic[] {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const program = ts.createProgram(
    Object.keys(files).map((name) => join(dir, name)),
    { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: [], lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'] },
  );
  return [...ts.getPreEmitDiagnostics(program)];
}

describe('a client generated from the served OpenAPI document (openapi-typescript, openapi-fetch)', () => {
  let hub: TestHub;
  let schema: string;
  let dir: string;

  beforeAll(async () => {
    hub = await startTestHub('sqlite');
    schema = astToString(await openapiTS(JSON.parse(await readServedOpenApiDocument(hub.httpUrl))));
    dir = mkdtempSync(join(scratchParent, '.openapi-client-'));
  });
  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await hub?.stop();
  });

  it('type-checks typed calls of clusters and rollouts', () => {
    const diagnostics = typeCheck(dir, { 'package.json': '{ "type": "module" }', 'schema.ts': schema, 'calls.ts': TYPED_CALLS });
    expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  });

  it('refuses each wrongly typed call', () => {
    const body = WRONG_CALLS.map((line) => `  ${line}`).join('\n');
    const text = `import createClient from 'openapi-fetch';\nimport type { paths } from './schema.js';\nconst client = createClient<paths>({ baseUrl: 'http://127.0.0.1:8080' });\nexport async function calls(): Promise<void> {\n${body}\n}\n`;
    const diagnostics = typeCheck(dir, { 'package.json': '{ "type": "module" }', 'schema.ts': schema, 'wrong.ts': text });
    const wrongLines = new Set(diagnostics.filter((d) => d.file?.fileName.endsWith('wrong.ts')).map((d) => d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line - 4));
    expect([...wrongLines].sort()).toEqual(WRONG_CALLS.map((_, index) => index));
  });

  it('calls the real hub, whose answers match the contract', async () => {
    const client = createClient<Record<string, never>>({ baseUrl: hub.httpUrl, headers: { authorization: `Bearer ${hub.adminToken}` } }) as unknown as {
      GET(path: string, init?: unknown): Promise<{ data?: unknown; error?: unknown; response: Response }>;
      POST(path: string, init?: unknown): Promise<{ data?: unknown; error?: unknown; response: Response }>;
    };
    const created = await client.POST('/api/v1/clusters', { body: { name: 'gen-1', labels: { env: 'prod' } } });
    expect(created.response.status).toBe(201);
    expect(createdClusterViewSchema.parse(created.data).name).toBe('gen-1');
    const listed = await client.GET('/api/v1/clusters', { params: { query: { selector: 'env=prod' } } });
    expect(clusterPageSchema.parse(listed.data).items.map((c) => c.name)).toEqual(['gen-1']);
    const refused = await client.POST('/api/v1/clusters', { body: { name: 'Not A Name' } });
    expect(refused.response.status).toBe(400);
    expect(errorBodySchema.parse(refused.error).error.code).toBe('INVALID_ARGUMENT');
  });
});
