import { parse } from 'yaml';
import {
  formatObjectRef,
  isPlainObject,
  isSubstitutionDisabled,
  parseManifestFile,
  RENDER_DEFAULTS,
  splitYamlDocuments,
  type RenderErrorDetail,
} from '@flotilla/core';
import { type BuiltObject } from './built-app.js';

/** Where a text came from, for the objects read from it. */
export interface TextOrigin {
  /** Repository-relative file the objects are attributed to. */
  file: string;
  /** Whether lines of the text are lines of that file (plain manifests); for tool output they are not (line 0). */
  hasLines: boolean;
}

/**
 * Reads a YAML stream (a manifest file, or a tool's output) into BuiltObjects: documents without `${` (or whose object
 * disables substitution) are parsed and validated now, once for every cluster; the others are kept as text to parse
 * after each cluster's substitution. Returns every problem found.
 */
export function readBuiltObjects(text: string, origin: TextOrigin): { objects: BuiltObject[]; errors: RenderErrorDetail[] } {
  const objects: BuiltObject[] = [];
  const errors: RenderErrorDetail[] = [];
  const limits = { variables: {}, maxFileBytes: Number.MAX_SAFE_INTEGER, maxAliasCount: RENDER_DEFAULTS.maxAliasCount, maxDepth: RENDER_DEFAULTS.maxDepth };
  let documentIndex = 0;
  for (const part of splitYamlDocuments(text)) {
    const isTemplate = part.text.includes('${') && !isSubstitutionDisabled(part.text, limits.maxAliasCount);
    const line = origin.hasLines ? part.line : 0;
    const parsed = parseManifestFile({ path: origin.file, content: part.text }, { ...limits, firstLine: part.line, firstDocumentIndex: documentIndex });
    if (isTemplate) {
      // Parsed as written too: a cluster whose variables the text names none of gets these objects without a parse.
      const unsubstituted = parsed.errors.length > 0 ? undefined : parsed.objects.map((item) => ({ object: item.object, source: { file: origin.file, line: origin.hasLines ? item.line : 0 } }));
      objects.push({ kind: 'template', text: part.text, source: { file: origin.file, line }, documentIndex, ...(unsubstituted ? { unsubstituted } : {}) });
      documentIndex++;
      continue;
    }
    for (const error of parsed.errors) {
      // Lines of tool output mean nothing to the user; the object's id (in the message) says which one it is.
      errors.push(origin.hasLines ? error : { ...error, line: 0 });
    }
    for (const item of parsed.objects) {
      objects.push({ kind: 'object', object: item.object, source: { file: origin.file, line: origin.hasLines ? item.line : 0 } });
      documentIndex = item.documentIndex + 1;
    }
    if (parsed.objects.length === 0) documentIndex++;
  }
  return { objects, errors };
}

/** The object's id as written in a template's text, for messages about tool output ("ConfigMap/monitoring/x"). */
export function describeTemplate(object: { kind: 'template'; text: string }): string {
  try {
    const value: unknown = parse(object.text, { logLevel: 'silent' });
    const metadata = isPlainObject(value) ? value['metadata'] : undefined;
    if (isPlainObject(value) && typeof value['kind'] === 'string' && isPlainObject(metadata) && typeof metadata['name'] === 'string') {
      const namespace = typeof metadata['namespace'] === 'string' ? metadata['namespace'] : '';
      return formatObjectRef({ kind: value['kind'], namespace, name: metadata['name'] });
    }
  } catch {
    // not readable before substitution: no id to give
  }
  return 'an object';
}
