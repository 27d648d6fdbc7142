import { isPlainObject } from './kube-object.js';
import { formatJsonPointer, type PathSegment } from './json-pointer.js';

/** Why a manifest document is not a valid Kubernetes object, and where in it (path from the document root). */
export interface ObjectProblem {
  path: PathSegment[];
  message: string;
}

const API_VERSION = /^(?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[a-z0-9]+$/;
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isPlainObject(value)) return 'a mapping';
  return typeof value === 'string' ? `"${value}"` : `${typeof value} ${String(value)}`;
}

function checkStringMap(map: unknown, path: PathSegment[], problems: ObjectProblem[]): void {
  if (map === undefined || map === null) return;
  if (!isPlainObject(map)) {
    problems.push({ path, message: `${path.join('.')} must be a mapping of strings, got ${describe(map)}` });
    return;
  }
  for (const [key, value] of Object.entries(map)) {
    if (typeof value !== 'string') {
      problems.push({
        path: [...path, key],
        message: `${path.join('.')}["${key}"] must be a string, got ${describe(value)}; quote it`,
      });
    }
  }
}

/** Reports values JSON cannot carry (binary, dates, infinities) that a YAML tag may have produced. */
function checkJson(value: unknown, path: PathSegment[], problems: ObjectProblem[]): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) problems.push({ path, message: `${formatJsonPointer(path)} is ${value}, which JSON cannot carry` });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkJson(item, [...path, i], problems));
    return;
  }
  if (isPlainObject(value) && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) checkJson(item, [...path, key], problems);
    return;
  }
  problems.push({ path, message: `${formatJsonPointer(path)} is not a JSON value (a YAML tag such as !!binary?)` });
}

/**
 * What makes a parsed document an invalid Kubernetes object: a non-mapping document, missing or malformed apiVersion,
 * kind or metadata.name, a namespace that is not a DNS label, non-string labels or annotations, non-JSON values.
 * Kustomization files are refused: among plain manifests they would be applied without their patches.
 */
export function findObjectProblems(value: unknown): ObjectProblem[] {
  if (!isPlainObject(value)) {
    return [{ path: [], message: `document is ${describe(value)}, not a Kubernetes object (a mapping with apiVersion, kind and metadata)` }];
  }
  const problems: ObjectProblem[] = [];
  const { apiVersion, kind, metadata } = value;
  if (apiVersion === undefined) problems.push({ path: [], message: 'apiVersion is missing' });
  else if (typeof apiVersion !== 'string' || !API_VERSION.test(apiVersion)) {
    problems.push({ path: ['apiVersion'], message: `apiVersion must be "version" or "group/version", got ${describe(apiVersion)}` });
  } else if (apiVersion.startsWith('kustomize.config.k8s.io/')) {
    problems.push({ path: [], message: 'a kustomization file among plain manifests: point the App\'s path at its directory to build it with kustomize, or remove the file' });
  }
  if (kind === undefined) problems.push({ path: [], message: 'kind is missing' });
  else if (typeof kind !== 'string' || !KIND.test(kind)) {
    problems.push({ path: ['kind'], message: `kind must be a name such as "Deployment", got ${describe(kind)}` });
  }
  if (metadata === undefined) problems.push({ path: [], message: 'metadata is missing' });
  else if (!isPlainObject(metadata)) {
    problems.push({ path: ['metadata'], message: `metadata must be a mapping, got ${describe(metadata)}` });
  } else {
    const { name, namespace } = metadata;
    if (name === undefined) {
      const hint = metadata['generateName'] === undefined ? '' : ' (generateName cannot be applied declaratively)';
      problems.push({ path: ['metadata'], message: `metadata.name is missing${hint}` });
    } else if (typeof name !== 'string' || name === '' || /[/%]/.test(name)) {
      problems.push({ path: ['metadata', 'name'], message: `metadata.name must be a non-empty string without "/" or "%", got ${describe(name)}` });
    }
    if (namespace !== undefined && namespace !== null && (typeof namespace !== 'string' || (namespace !== '' && !NAMESPACE.test(namespace)))) {
      problems.push({ path: ['metadata', 'namespace'], message: `metadata.namespace must be a DNS label, got ${describe(namespace)}` });
    }
    checkStringMap(metadata['labels'], ['metadata', 'labels'], problems);
    checkStringMap(metadata['annotations'], ['metadata', 'annotations'], problems);
  }
  checkJson(value, [], problems);
  return problems;
}
