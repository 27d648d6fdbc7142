import { compareBytewise } from './compare-bytewise.js';
import { crdKindOf, isCrd } from './crd-kinds.js';
import { FlotillaError } from './flotilla-error.js';
import { formatObjectRef, objectKey, objectRefOf, type IsNamespaced, type ObjectRef } from './object-ref.js';
import { parseManifestFile, type ManifestFile, type ParsedObject, type RenderErrorDetail } from './parse-manifest-file.js';
import { isVariableName } from './substitute-variables.js';

export type { ManifestFile, RenderErrorDetail } from './parse-manifest-file.js';

/** Inputs of a render besides the files. */
export interface RenderOptions {
  /** Directory of the App inside the repository ("apps/web"; "" or "." for the root). */
  appPath: string;
  /** `${name}` substitutions; names match [A-Za-z_][A-Za-z0-9_.-]*. */
  variables?: Readonly<Record<string, string>>;
  /** Namespace given to namespaced objects that declare none. */
  defaultNamespace: string;
  /** Scope of a kind; undefined (unknown kind) leaves the object's namespace as written. */
  isNamespaced: IsNamespaced;
  /** Largest file accepted, in bytes; default 4 MiB. */
  maxFileBytes?: number;
  /** Most alias expansions per YAML document (yaml's maxAliasCount); default 100. */
  maxAliasCount?: number;
  /** Deepest nesting of a file (block levels plus flow collections); default 256. */
  maxDepth?: number;
  /** Most errors listed in `data.errors` of the thrown error; default 100 (the rest are counted in `omittedErrors`). */
  maxErrors?: number;
}

/** One object to apply, with the namespace defaulted and where it came from. */
export interface RenderedObject extends ParsedObject {
  /** The object's identity after namespace defaulting. */
  ref: ObjectRef;
}

/** What a render produced: every object, in file order (byte-wise path order, then document order). */
export interface RenderResult {
  objects: RenderedObject[];
}

/** Defaults of RenderOptions. */
export const RENDER_DEFAULTS = { maxFileBytes: 4 * 1024 * 1024, maxAliasCount: 100, maxDepth: 256, maxErrors: 100 } as const;

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

function normalizePath(path: string, what: string): string {
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) {
    throw new FlotillaError('INVALID_ARGUMENT', `${what} "${path}" must stay inside the repository (no "..")`, { data: { path } });
  }
  return segments.join('/');
}

/** The manifest files of an App: .yaml, .yml and .json under appPath, skipping hidden files and folders below it. */
function selectManifests(files: readonly ManifestFile[], appPath: string): { selected: ManifestFile[]; anyUnder: boolean } {
  let anyUnder = false;
  const selected: ManifestFile[] = [];
  for (const file of files) {
    const path = normalizePath(file.path, 'file path');
    const below = appPath === '' ? path : path.startsWith(`${appPath}/`) ? path.slice(appPath.length + 1) : undefined;
    if (below === undefined) continue;
    anyUnder = true;
    if (below.split('/').some((segment) => segment.startsWith('.'))) continue;
    if (!MANIFEST_EXTENSIONS.some((extension) => path.endsWith(extension))) continue;
    selected.push({ path, content: file.content });
  }
  selected.sort((a, b) => compareBytewise(a.path, b.path));
  return { selected, anyUnder };
}

/** Gives namespaced objects without a namespace the default one, and drops a namespace set on a cluster-scoped object. */
function defaultNamespace(parsed: ParsedObject, options: RenderOptions): RenderedObject {
  const written = objectRefOf(parsed.object);
  const namespaced = options.isNamespaced({ ...written, namespace: '' });
  const metadata = parsed.object.metadata;
  if (namespaced === true && written.namespace === '' && options.defaultNamespace !== '') {
    metadata.namespace = options.defaultNamespace;
  } else if (namespaced === false && written.namespace !== '') {
    delete metadata.namespace;
  }
  return { ...parsed, ref: objectRefOf(parsed.object) };
}

function renderFailed(appPath: string, errors: RenderErrorDetail[], maxErrors: number): FlotillaError {
  errors.sort((a, b) => compareBytewise(a.file, b.file) || a.line - b.line);
  const listed = errors.slice(0, maxErrors);
  const shown = errors.slice(0, 3).map((e) => `${e.file}${e.line > 0 ? `:${e.line}` : ''}: ${e.message}`);
  const more = errors.length > 3 ? `; and ${errors.length - 3} more` : '';
  const count = errors.length === 1 ? '1 error' : `${errors.length} errors`;
  return new FlotillaError('RENDER_FAILED', `manifests under "${appPath || '.'}" failed to render with ${count}: ${shown.join('; ')}${more}`, {
    data: { appPath, errors: listed, omittedErrors: errors.length - listed.length },
  });
}

/**
 * Renders an App's manifests from the files of one revision: selects .yaml/.yml/.json under appPath in byte-wise path
 * order, substitutes `${variables}`, parses every document, expands Lists, validates, defaults namespaces and refuses
 * duplicates. All or nothing: any problem throws one RENDER_FAILED whose `data.errors` lists every RenderErrorDetail.
 */
export function renderManifests(files: readonly ManifestFile[], options: RenderOptions): RenderResult {
  const appPath = normalizePath(options.appPath, 'appPath');
  const variables = options.variables ?? {};
  const badNames = Object.keys(variables).filter((name) => !isVariableName(name));
  if (badNames.length > 0) {
    throw new FlotillaError('INVALID_ARGUMENT', `variable names must match [A-Za-z_][A-Za-z0-9_.-]*: ${badNames.map((n) => `"${n}"`).join(', ')}`, {
      data: { variables: badNames },
    });
  }
  const limits = {
    variables,
    maxFileBytes: options.maxFileBytes ?? RENDER_DEFAULTS.maxFileBytes,
    maxAliasCount: options.maxAliasCount ?? RENDER_DEFAULTS.maxAliasCount,
    maxDepth: options.maxDepth ?? RENDER_DEFAULTS.maxDepth,
  };

  const { selected, anyUnder } = selectManifests(files, appPath);
  const errors: RenderErrorDetail[] = [];
  if (!anyUnder) {
    errors.push({ code: 'NOT_FOUND', file: appPath || '.', line: 0, message: `path "${appPath || '.'}" has no files in this revision` });
  }

  const parsedItems: ParsedObject[] = [];
  for (const file of selected) {
    const parsed = parseManifestFile(file, limits);
    errors.push(...parsed.errors);
    parsedItems.push(...parsed.objects);
  }
  // Custom resources whose CRD is in the same revision: their scope comes from that CRD, which discovery
  // cannot know yet.
  const scopes = new Map<string, boolean>();
  for (const item of parsedItems) {
    const kind = isCrd(objectRefOf(item.object)) ? crdKindOf(item.object) : undefined;
    if (kind) scopes.set(`${kind.group}/${kind.kind}`, kind.namespaced);
  }
  const isNamespaced: IsNamespaced = (ref) => options.isNamespaced(ref) ?? scopes.get(`${ref.group}/${ref.kind}`);
  const objects: RenderedObject[] = [];
  const seen = new Map<string, RenderedObject>();
  for (const item of parsedItems) {
    const rendered = defaultNamespace(item, { ...options, isNamespaced });
    const key = objectKey(rendered.ref);
    const first = seen.get(key);
    if (first) {
      errors.push({
        code: 'DUPLICATE_OBJECT',
        file: rendered.file,
        line: rendered.line,
        object: rendered.ref,
        message: `${formatObjectRef(rendered.ref)} is declared twice: in ${first.file}:${first.line} and ${rendered.file}:${rendered.line}`,
      });
      continue;
    }
    seen.set(key, rendered);
    objects.push(rendered);
  }
  if (errors.length > 0) throw renderFailed(appPath, errors, options.maxErrors ?? RENDER_DEFAULTS.maxErrors);
  return { objects };
}
