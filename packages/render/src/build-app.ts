import { type BuiltApp } from './built-app.js';
import { buildKustomize } from './build-kustomize.js';
import { buildPlain } from './build-plain.js';
import { detectRendererIn } from './detect-renderer.js';
import { type RenderToolsOptions } from './render-tools.js';
import { resolveAppDir } from './resolve-app-dir.js';

/** One App's path of one checkout, and what it may do. */
export interface BuildAppRequest {
  /** A commit's whole tree written to a directory (RepositoryCache.checkout). */
  checkoutDir: string;
  /** The App's path inside the repository ("apps/web"; "" or "." for the root). */
  appPath: string;
  /** Whether kustomizations may name remote bases (URLs), which kustomize then fetches itself. */
  allowRemoteBases: boolean;
  signal?: AbortSignal;
}

/**
 * Builds an App's path of a checkout into objects BEFORE variable substitution, with where each came from. One call
 * per (commit, path, options): the hub shares the result between clusters. Throws FlotillaError RENDER_FAILED with
 * data { renderer, appPath, file, message, errors } (the tool's own message, trimmed).
 */
export async function buildApp(request: BuildAppRequest, tools: RenderToolsOptions): Promise<BuiltApp> {
  const app = await resolveAppDir(request.checkoutDir, request.appPath);
  const renderer = await detectRendererIn(app);
  switch (renderer) {
    case 'plain':
      return buildPlain(app, tools, request.signal);
    case 'kustomize':
      return buildKustomize(app, request.allowRemoteBases, tools, request.signal);
    default:
      throw new Error(`unknown renderer ${String(renderer satisfies never)}`);
  }
}
