import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const HOOKS = fileURLToPath(new URL('../../packages/testenv/test-support/typescript-hooks.mjs', import.meta.url));

// A resolve hook that fails any import of @kubernetes/client-node (or of a Git client), naming the importer.
const GUARD = `export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (resolved.url.includes('/@kubernetes/client-node/')) throw new Error('client-node loaded by ' + context.parentURL);
  if (resolved.url.includes('/isomorphic-git/') || resolved.url.includes('/packages/git/')) throw new Error('a Git client loaded by ' + context.parentURL);
  return resolved;
}`;
const dataUrl = (code: string): string => `data:text/javascript,${encodeURIComponent(code)}`;
const REGISTER_GUARD = dataUrl(`import { register } from 'node:module'; register(${JSON.stringify(dataUrl(GUARD))});`);
const AGENT_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Runs a module script with the guard in place, from the agent's folder; its stdout, or the guard's error. */
async function runGuarded(script: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--conditions=source', '--import', HOOKS, '--import', REGISTER_GUARD, '--input-type=module', '-e', script], { cwd: AGENT_DIR }).catch(
    (error: { stdout: string; stderr: string }) => ({ stdout: `${error.stdout}${error.stderr}` }),
  );
  return stdout.trim();
}

/** Imports what main.ts imports, then sends one request as the given kubeconfig user (to a closed port). */
async function importAgentAndRequestAs(user: object): Promise<string> {
  const kubeconfig = { clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }], users: [{ name: 'u', ...user }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' };
  const script = `
    await import('./src/config/agent-config.ts');
    await import('./src/start-agent.ts');
    const { KubeClient } = await import('@flotilla/kube');
    const error = await new KubeClient({ kubeConfig: ${JSON.stringify(kubeconfig)} }).request({ method: 'GET', path: '/version' }).catch((e) => e);
    console.log(error.message);`;
  return runGuarded(script);
}

describe('the agent process', () => {
  it('never loads a Git client (isomorphic-git): the hub renders, the agent applies artifacts', async () => {
    expect(await runGuarded(`await import('./src/index.ts'); console.log('no git');`)).toBe('no git');
  }, 60_000);

  it('would notice if it did', async () => {
    expect(await runGuarded(`await import('../packages/git/src/index.ts'); console.log('no git');`)).toContain('a Git client loaded by');
  }, 60_000);

  it('never loads @kubernetes/client-node (about 70 MiB) when its kubeconfig user has a token', async () => {
    expect(await importAgentAndRequestAs({ token: 't' })).toContain('ECONNREFUSED');
  }, 60_000);

  it('loads it on the first request of an exec-plugin user, which it delegates to', async () => {
    expect(await importAgentAndRequestAs({ exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'true' } })).toMatch(/^client-node loaded by .*delegated-credentials\.ts$/);
  }, 60_000);
});
