// Pure reconcile logic: plain functions over data, no I/O (a lint rule enforces it).
export { ERROR_CODES, type ErrorCode, FlotillaError, type FlotillaErrorOptions } from './flotilla-error.js';
export { formatRevision, isCommitId, parseRevision, type Revision } from './revision.js';
export {
  isLabelKey,
  isLabelValue,
  type LabelSelector,
  type LabelSelectorRequirement,
  matchesLabelSelector,
  parseLabelSelector,
  validateLabels,
  validateLabelSelector,
} from './label-selector.js';
export { isKubeObject, isPlainObject, type KubeObject, type ManagedFieldsEntry, type ObjectMeta } from './kube-object.js';
export {
  formatApiVersion,
  formatObjectRef,
  objectKey,
  objectRefOf,
  parseApiVersion,
  type IsNamespaced,
  type ObjectRef,
} from './object-ref.js';
export { isBuiltinNamespaced } from './is-builtin-namespaced.js';
export { compareBytewise } from './compare-bytewise.js';
export { formatJsonPointer, parseJsonPointer, type PathSegment } from './json-pointer.js';
export { CLUSTER_VARIABLE_PREFIX, isVariableName, referencedVariables, substituteVariables, type Substitution, type SubstitutionError } from './substitute-variables.js';
export { splitYamlDocuments, type YamlDocumentText } from './split-yaml-documents.js';
export { parseManifestFile, type ParsedObject, type ParseManifestOptions } from './parse-manifest-file.js';
export { isSubstitutionDisabled, SUBSTITUTE_ANNOTATIONS } from './is-substitution-disabled.js';
export {
  ARTIFACT_FORMAT,
  artifactDigest,
  decodeArtifact,
  encodeArtifact,
  isArtifactDigest,
  type Artifact,
  type ArtifactObject,
  type ArtifactSource,
  type EncodedArtifact,
} from './artifact.js';
export {
  RENDER_DEFAULTS,
  renderManifests,
  type ManifestFile,
  type RenderedObject,
  type RenderErrorDetail,
  type RenderOptions,
  type RenderResult,
} from './render-manifests.js';
export {
  APPLY_STAGES,
  KIND_ORDER,
  STAGE_KINDS,
  planApplyStages,
  planPruneStages,
  type ApplyStage,
  type ApplyStageName,
  type Stageable,
} from './apply-order.js';
export {
  FLUX_PRUNE_ANNOTATION,
  INVENTORY_HEADER,
  PRUNE_ANNOTATION,
  createInventory,
  decodeInventory,
  diffInventory,
  encodeInventory,
  isPruneDisabled,
  type Inventory,
} from './inventory.js';
export {
  CHANGE_ACTIONS,
  formatChangeSet,
  summarizeChangeSet,
  type ChangeAction,
  type ChangeError,
  type ChangeSetEntry,
  type ChangeSummary,
} from './change-set.js';
export { BOOKKEEPING_METADATA, isJsonEqual, isUnchanged, stripBookkeeping } from './compare-objects.js';
export { diffFields, type DiffFieldsOptions, type FieldDiff } from './diff-fields.js';
export { fieldsManagedBy, findListItem, managedFieldsTrie, type FieldsManagedByOptions, type FieldsTrie, type ManagedFieldSet } from './fields-managed-by.js';
export { isApplyNoop } from './apply-is-noop.js';
export { extractOwned } from './extract-owned.js';
export { normalizeStringData } from './normalize-string-data.js';
export { valueAtPointer, withoutPointers, withValuesFrom } from './json-pointer-values.js';
export { ignoredFieldsOf, matchesIgnoreRule, type DriftIgnoreRule, type IgnoredFields } from './drift-ignore.js';
export { detectDrift, type DetectDriftOptions, type DriftFinding } from './detect-drift.js';
export { HEALTH_STATUSES, aggregateHealth, assessHealth, isStatusless, type HealthAssessment, type HealthStatus } from './assess-health.js';
export { ConfigError, type ConfigProblem } from './config-error.js';
export { envName, flagName, parseSettings, readSettings, type Settings, type SettingsSource } from './read-settings.js';
export { crdKindOf, isCrd, type CrdKind } from './crd-kinds.js';
export { ConcurrencyLimit } from './concurrency-limit.js';
export { isTransientFailure } from './transient-failure.js';
