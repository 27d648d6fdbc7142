import {
  FlotillaError,
  formatObjectRef,
  isVariableName,
  objectKey,
  objectRefOf,
  parseManifestFile,
  RENDER_DEFAULTS,
  substituteVariables,
  type Artifact,
  type ArtifactObject,
  type RenderErrorDetail,
} from '@flotilla/core';
import { type BuiltApp } from './built-app.js';
import { describeTemplate } from './read-built-objects.js';
import { manifestsFailed } from './render-failed.js';

/**
 * Substitutes the App's and the cluster's variables (only those: every other `${...}` is left untouched; objects
 * annotated `flotilla.io/substitute: disabled` are left whole) and returns the artifact of one cluster. Pure and fast:
 * called once per cluster. Throws RENDER_FAILED, whose `data.errors` say UNKNOWN_VARIABLE for a `${cluster.*}` name
 * that is not defined and DUPLICATE_OBJECT for two objects with one identity.
 */
export function substituteArtifact(built: BuiltApp, variables: Readonly<Record<string, string>>): Artifact {
  const badNames = Object.keys(variables).filter((name) => !isVariableName(name));
  if (badNames.length > 0) {
    throw new FlotillaError('INVALID_ARGUMENT', `variable names must match [A-Za-z_][A-Za-z0-9_.-]*: ${badNames.map((n) => `"${n}"`).join(', ')}`, {
      data: { variables: badNames },
    });
  }
  const objects: ArtifactObject[] = [];
  const errors: RenderErrorDetail[] = [];
  for (const piece of built.objects) {
    if (piece.kind === 'object') {
      objects.push({ object: piece.object, source: piece.source });
      continue;
    }
    const { source } = piece;
    // A quick scan first: text that none of these variables changes (and that holds no undefined ${cluster.*}) is
    // the document as written, parsed once at build time.
    if (piece.unsubstituted !== undefined) {
      const scan = substituteVariables(piece.text, variables);
      if (scan.errors.length === 0 && scan.text === piece.text) {
        objects.push(...piece.unsubstituted);
        continue;
      }
    }
    const hasLines = source.line > 0;
    const parsed = parseManifestFile(
      { path: source.file, content: piece.text },
      { variables, maxFileBytes: Number.MAX_SAFE_INTEGER, maxAliasCount: RENDER_DEFAULTS.maxAliasCount, maxDepth: RENDER_DEFAULTS.maxDepth, firstLine: Math.max(source.line, 1), firstDocumentIndex: piece.documentIndex },
    );
    for (const error of parsed.errors) {
      // In tool output lines mean nothing to the user: the object's id says which object it is.
      errors.push(hasLines ? error : { ...error, line: 0, message: `${describeTemplate(piece)}: ${error.message}` });
    }
    for (const item of parsed.objects) objects.push({ object: item.object, source: { file: source.file, line: hasLines ? item.line : 0 } });
  }
  const seen = new Map<string, ArtifactObject>();
  for (const entry of objects) {
    const ref = objectRefOf(entry.object);
    const first = seen.get(objectKey(ref));
    if (first === undefined) {
      seen.set(objectKey(ref), entry);
      continue;
    }
    errors.push({
      code: 'DUPLICATE_OBJECT',
      file: entry.source.file,
      line: entry.source.line,
      object: ref,
      message: `${formatObjectRef(ref)} is declared twice: in ${first.source.file}:${first.source.line} and ${entry.source.file}:${entry.source.line}`,
    });
  }
  if (errors.length > 0) throw manifestsFailed(built.renderer, built.appPath, errors);
  return { objects };
}
