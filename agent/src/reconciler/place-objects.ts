import {
  type Artifact,
  type ArtifactSource,
  crdKindOf,
  FlotillaError,
  formatObjectRef,
  isCrd,
  type IsNamespaced,
  type KubeObject,
  objectKey,
  type ObjectRef,
  objectRefOf,
} from '@flotilla/core';

/** An artifact's object ready to apply: its namespace settled, its identity, where it came from. */
export interface PlacedObject {
  object: KubeObject;
  ref: ObjectRef;
  source: ArtifactSource;
}

/** What placing needs from the cluster and the assignment. */
export interface PlaceOptions {
  /** Namespace given to namespaced objects that have none. */
  defaultNamespace: string;
  /** Scope of a kind from this cluster's discovery; undefined when the cluster does not know the kind. */
  isNamespaced: IsNamespaced;
}

/** Where an object came from, as errors show it. */
export function formatSource(source: ArtifactSource): string {
  return source.line > 0 ? `${source.file}:${source.line}` : source.file;
}

/**
 * Settles the namespaces of an artifact's objects with this cluster's discovery (only the cluster knows whether a
 * custom kind is namespaced; a CRD in the same artifact decides for its kind): a namespaced object without one gets
 * the default, a cluster-scoped one loses a namespace set by mistake, an unknown kind is left as written. Two objects
 * that become the same one are refused (RENDER_FAILED naming both files), before anything is applied.
 */
export function placeObjects(artifact: Artifact, options: PlaceOptions): PlacedObject[] {
  const scopes = new Map<string, boolean>();
  for (const { object } of artifact.objects) {
    const kind = isCrd(objectRefOf(object)) ? crdKindOf(object) : undefined;
    if (kind) scopes.set(`${kind.group}/${kind.kind}`, kind.namespaced);
  }
  const isNamespaced: IsNamespaced = (ref) => options.isNamespaced(ref) ?? scopes.get(`${ref.group}/${ref.kind}`);
  const placed: PlacedObject[] = [];
  const seen = new Map<string, PlacedObject>();
  const errors: Array<{ code: string; message: string; file: string; line: number; object: ObjectRef }> = [];
  for (const { object, source } of artifact.objects) {
    const written = objectRefOf(object);
    const namespaced = isNamespaced({ ...written, namespace: '' });
    if (namespaced === true && written.namespace === '' && options.defaultNamespace !== '') object.metadata.namespace = options.defaultNamespace;
    else if (namespaced === false && written.namespace !== '') delete object.metadata.namespace;
    const item: PlacedObject = { object, ref: objectRefOf(object), source };
    const key = objectKey(item.ref);
    const first = seen.get(key);
    if (first) {
      const message = `${formatObjectRef(item.ref)} is declared twice: in ${formatSource(first.source)} and ${formatSource(source)}`;
      errors.push({ code: 'DUPLICATE_OBJECT', message, file: source.file, line: source.line, object: item.ref });
      continue;
    }
    seen.set(key, item);
    placed.push(item);
  }
  if (errors.length > 0) {
    throw new FlotillaError('RENDER_FAILED', `the artifact has ${errors.length} object(s) declared twice: ${errors.slice(0, 3).map((e) => e.message).join('; ')}`, { data: { errors } });
  }
  return placed;
}
