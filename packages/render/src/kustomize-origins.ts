import { isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { isPlainObject, splitYamlDocuments } from '@flotilla/core';
import { isInside, repositoryPath } from './resolve-app-dir.js';

/** The annotation kustomize writes with `buildMetadata: [originAnnotations]`: where an object was read or generated. */
export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';

// kustomize writes its output in one layout: two-space indents, the annotation's value as a literal block.
const ORIGIN_BLOCK = /^ {4}config\.kubernetes\.io\/origin: \|-?\n((?: {6}.*\n)+)/m;
const EMPTY_ANNOTATIONS = /^ {2}annotations:\n(?! {4})/m;

/** One object's text from kustomize's output, without its origin annotation, and the file it came from. */
export interface OriginDocument {
  text: string;
  /** Repository-relative file the object was read from, or the kustomization that generated it; a remote one as `repo//path?ref=`. */
  file: string | undefined;
}

/** Where an origin annotation points, as a repository path; `base` is the directory kustomize's paths are relative to. */
function originFile(block: string, base: string, root: string): string | undefined {
  let origin: unknown;
  try {
    origin = parse(block.replace(/^ {6}/gm, ''));
  } catch {
    return undefined;
  }
  if (!isPlainObject(origin)) return undefined;
  const path = typeof origin['path'] === 'string' ? origin['path'] : typeof origin['configuredIn'] === 'string' ? origin['configuredIn'] : undefined;
  if (path === undefined) return undefined;
  if (typeof origin['repo'] === 'string') return `${origin['repo']}//${path}${typeof origin['ref'] === 'string' ? `?ref=${origin['ref']}` : ''}`;
  const absolute = isAbsolute(path) ? path : resolve(base, path);
  return isInside(root, absolute) ? repositoryPath(root, absolute) : undefined;
}

/**
 * Splits kustomize's output into objects, taking the origin annotation Flotilla asked for off each (the object is then
 * exactly what `kustomize build` of the App's path prints) and turning it into the file the object came from.
 */
export function takeOrigins(output: string, base: string, root: string): OriginDocument[] {
  return splitYamlDocuments(output).map((part) => {
    const match = ORIGIN_BLOCK.exec(part.text);
    if (match === null) return { text: part.text, file: undefined };
    const file = originFile(match[1] ?? '', base, root);
    let text = part.text.slice(0, match.index) + part.text.slice(match.index + match[0].length);
    text = text.replace(EMPTY_ANNOTATIONS, '');
    return { text, file };
  });
}
