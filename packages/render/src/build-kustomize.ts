import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { type RenderErrorDetail } from '@flotilla/core';
import { type BuiltApp, type BuiltObject } from './built-app.js';
import { checkKustomizationGraph } from './check-kustomization-graph.js';
import { findKustomizationFile } from './detect-renderer.js';
import { takeOrigins } from './kustomize-origins.js';
import { readBuiltObjects } from './read-built-objects.js';
import { manifestsFailed, renderFailed } from './render-failed.js';
import { type RenderToolsOptions } from './render-tools.js';
import { isInside, repositoryPath, type AppDir } from './resolve-app-dir.js';
import { runTool } from './run-tool.js';

const MESSAGE_KEPT = 2_000;

/** kustomize's stderr made readable: paths relative to the repository, no "Error: " prefix, at most 2,000 characters. */
export function trimToolMessage(stderr: string, root: string): string {
  let message = stderr.split(`${root}/`).join('').split(root).join('.').trim();
  message = message.replace(/^Error: /, '');
  if (message.length > MESSAGE_KEPT) message = `${message.slice(0, MESSAGE_KEPT)}…`;
  return message === '' ? 'kustomize failed without a message' : message;
}

/**
 * The repository file a kustomize message is about: the last file it names that exists, read as a repository path
 * or as a path relative to the App's directory (kustomize writes patch paths as the kustomization wrote them).
 */
async function fileNamedIn(message: string, app: AppDir): Promise<string | undefined> {
  const named = [...message.matchAll(/['"`]([^'"`\s]+\.(?:ya?ml|json|env|properties|txt))['"`]/g)].map((match) => match[1] ?? '');
  for (const name of named.reverse()) {
    if (name.startsWith('/')) continue;
    for (const candidate of [join(app.root, name), join(app.dir, name)]) {
      if (isInside(app.root, candidate) && (await access(candidate).then(() => true, () => false))) return repositoryPath(app.root, candidate);
    }
  }
  return undefined;
}

/**
 * Builds a kustomize App with the real `kustomize build`: its kustomizations are checked first (nothing outside the
 * checkout, no remote base unless allowed), the tool runs with its load restrictor on, a clean environment, a timeout
 * and an output limit, and its message (trimmed, with the file) is the error when it fails.
 */
export async function buildKustomize(app: AppDir, allowRemoteBases: boolean, tools: RenderToolsOptions, signal: AbortSignal | undefined): Promise<BuiltApp> {
  const name = (await findKustomizationFile(app.dir)) ?? 'kustomization.yaml';
  const file = repositoryPath(app.root, join(app.dir, name));
  const fail = (message: string, at = file): Error => renderFailed({ renderer: 'kustomize', appPath: app.appPath, file: at, message });
  if (tools.kustomizePath === null) {
    throw fail('this App needs kustomize, and the hub has none: set FLOTILLA_KUSTOMIZE_PATH or put kustomize on the hub\'s PATH');
  }
  await checkKustomizationGraph(app, allowRemoteBases);
  // A kustomization of Flotilla's own, outside the checkout, that only includes the App's path and asks for origin
  // annotations: kustomize then says which file each object came from. The objects are otherwise the same.
  const kustomizeTools = { ...tools, kustomizePath: tools.kustomizePath };
  if (tools.kustomizeOrigins === false) return runKustomize(app, { target: app.dir, wrapper: undefined, entry: '', file, fail }, kustomizeTools, signal);
  const wrapper = await mkdtemp(join(tmpdir(), 'flotilla-kustomize-'));
  const entry = relative(wrapper, app.dir);
  try {
    await writeFile(join(wrapper, 'kustomization.yaml'), `resources:\n  - ${JSON.stringify(entry)}\nbuildMetadata: [originAnnotations]\n`);
    return await runKustomize(app, { target: wrapper, wrapper, entry, file, fail }, kustomizeTools, signal);
  } finally {
    await rm(wrapper, { recursive: true, force: true });
  }
}

async function runKustomize(
  app: AppDir,
  build: { target: string; wrapper: string | undefined; entry: string; file: string; fail: (message: string, at?: string) => Error },
  tools: RenderToolsOptions & { kustomizePath: string },
  signal: AbortSignal | undefined,
): Promise<BuiltApp> {
  const { target, wrapper, entry, file, fail } = build;
  const run = await runTool({
    command: tools.kustomizePath,
    // LoadRestrictionsRootOnly is kustomize's default; said here so no configuration can turn it off.
    args: ['build', '--load-restrictor', 'LoadRestrictionsRootOnly', target],
    cwd: app.root,
    // Only what remote bases need (git on PATH); git reads no user or system configuration.
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' },
    timeoutMs: tools.timeoutMs,
    maxOutputBytes: tools.maxOutputBytes,
    ...(signal ? { signal } : {}),
  });
  switch (run.outcome) {
    case 'aborted':
      throw signal?.reason instanceof Error ? signal.reason : new Error('render aborted');
    case 'timeout':
      throw fail(`kustomize build did not finish within ${tools.timeoutMs} ms (the render timeout)`);
    case 'too-much-output':
      throw fail(`kustomize build printed more than ${tools.maxOutputBytes} bytes (the render output limit)`);
    case 'exited':
      break;
    default:
      throw new Error(`unknown outcome ${String(run satisfies never)}`);
  }
  if (run.exitCode !== 0) {
    const shown = app.appPath || '.';
    // The wrapper's own layer of kustomize's nested message says nothing about the App.
    const wrapperLayer = `accumulating resources: accumulation err='accumulating resources from '${shown}': '${shown}' must resolve to a file': recursed accumulation of path '${shown}': `;
    const stderr = wrapper === undefined ? run.stderr : run.stderr.split(wrapper).join('.').split(entry).join(shown);
    const message = trimToolMessage(stderr, app.root).replace(wrapperLayer, '');
    throw fail(message, (await fileNamedIn(message, app)) ?? file);
  }
  const objects: BuiltObject[] = [];
  const errors: RenderErrorDetail[] = [];
  for (const document of wrapper === undefined ? [{ text: run.stdout, file }] : takeOrigins(run.stdout, wrapper, app.root)) {
    const read = readBuiltObjects(document.text, { file: document.file ?? file, hasLines: false });
    objects.push(...read.objects);
    errors.push(...read.errors);
  }
  if (errors.length > 0) throw manifestsFailed('kustomize', app.appPath, errors);
  return { renderer: 'kustomize', appPath: app.appPath, objects };
}
