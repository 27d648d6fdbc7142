import { access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuiltApp } from './built-app.js';
import { checkKustomizationGraph } from './check-kustomization-graph.js';
import { findKustomizationFile } from './detect-renderer.js';
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
  const run = await runTool({
    command: tools.kustomizePath,
    // LoadRestrictionsRootOnly is kustomize's default; said here so no configuration can turn it off.
    args: ['build', '--load-restrictor', 'LoadRestrictionsRootOnly', app.dir],
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
    const message = trimToolMessage(run.stderr, app.root);
    throw fail(message, (await fileNamedIn(message, app)) ?? file);
  }
  const read = readBuiltObjects(run.stdout, { file, hasLines: false });
  if (read.errors.length > 0) throw manifestsFailed('kustomize', app.appPath, read.errors);
  return { renderer: 'kustomize', appPath: app.appPath, objects: read.objects };
}
