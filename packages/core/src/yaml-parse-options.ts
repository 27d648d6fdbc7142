import { type DocumentOptions, type ParseOptions, type ScalarTag, type SchemaOptions } from 'yaml';

// YAML 1.2 reads 0644 as decimal; Kubernetes users (and yaml.v3, used by kustomize and Flux) mean octal, as in defaultMode.
const legacyOctal: ScalarTag = {
  identify: () => false,
  default: true,
  tag: 'tag:yaml.org,2002:int',
  test: /^[-+]?0[0-7]+$/,
  resolve: (text: string) => Number.parseInt(text, 8),
};

/** How manifests are read: YAML 1.2 with merge keys, `0644` as octal, problems as errors rather than warnings. */
export const YAML_PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  prettyErrors: false,
  merge: true,
  customTags: (tags) => [legacyOctal, ...tags],
  // Warnings (a collection used as a key) would go to the process's stderr; problems are reported as errors instead.
  logLevel: 'error',
};
