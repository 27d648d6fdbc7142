import { parseAllDocuments } from 'yaml';
import { isPlainObject } from './kube-object.js';
import { YAML_PARSE_OPTIONS } from './yaml-parse-options.js';

/** Annotations by which an object opts out of variable substitution with the value `disabled` (Flotilla's, Flux's). */
export const SUBSTITUTE_ANNOTATIONS = ['flotilla.io/substitute', 'kustomize.toolkit.fluxcd.io/substitute'] as const;

/** Whether a document's object is annotated to be left unsubstituted; false when the text cannot be read yet. */
export function isSubstitutionDisabled(text: string, maxAliasCount: number): boolean {
  if (!SUBSTITUTE_ANNOTATIONS.some((annotation) => text.includes(annotation))) return false;
  try {
    const [document] = parseAllDocuments(text, YAML_PARSE_OPTIONS);
    const value: unknown = document && document.errors.length === 0 ? document.toJS({ maxAliasCount }) : undefined;
    const metadata = isPlainObject(value) ? value['metadata'] : undefined;
    const annotations = isPlainObject(metadata) ? metadata['annotations'] : undefined;
    return isPlainObject(annotations) && SUBSTITUTE_ANNOTATIONS.some((annotation) => annotations[annotation] === 'disabled');
  } catch {
    return false;
  }
}

