// Renders an App's path of a Source checkout into objects (plain YAML/JSON, or the real kustomize), once per commit,
// then substitutes each cluster's variables into its artifact. The hub calls it; agents only receive artifacts.
export { buildApp, type BuildAppRequest } from './build-app.js';
export { type BuiltApp, type BuiltObject, type RendererName } from './built-app.js';
export { detectRenderer, KUSTOMIZATION_FILE_NAMES } from './detect-renderer.js';
export { isRemoteReference } from './check-kustomization-graph.js';
export { findRenderTools, type RenderTools, type RenderToolsOptions } from './render-tools.js';
export { type RenderFailure } from './render-failed.js';
export { substituteArtifact } from './substitute-artifact.js';
