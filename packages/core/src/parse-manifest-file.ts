import { LineCounter, parseAllDocuments, type ScalarTag } from 'yaml';
import { utf8ByteLength } from './compare-bytewise.js';
import { findObjectProblems } from './find-object-problems.js';
import { hasCycle } from './has-cycle.js';
import { type ErrorCode } from './flotilla-error.js';
import { isPlainObject, type KubeObject } from './kube-object.js';
import { measureNesting } from './measure-nesting.js';
import { type PathSegment } from './json-pointer.js';
import { formatObjectRef, parseApiVersion, type ObjectRef } from './object-ref.js';
import { substituteVariables } from './substitute-variables.js';

/** One manifest file as read from the revision: its path inside the repository and its text. */
export interface ManifestFile {
  path: string;
  content: string;
}

/** One failure of a render, naming the file and 1-based line (0 when unknown); maps to flotilla.v1.ErrorDetail. */
export interface RenderErrorDetail {
  code: ErrorCode;
  /** Starts with the object id when there is one ("Deployment/api: metadata.labels.version must be a string"). */
  message: string;
  file: string;
  line: number;
  object?: ObjectRef;
}

/** An object read from a manifest file, with where it came from. */
export interface ParsedObject {
  object: KubeObject;
  file: string;
  /** 1-based line where the object starts. */
  line: number;
  /** 0-based index of the YAML document in the file, counting empty documents too. */
  documentIndex: number;
  /** 0-based index in the `items` of a List document, when the object came from one. */
  itemIndex?: number;
}

/** Limits and inputs of parsing one file. */
export interface ParseManifestOptions {
  variables: Readonly<Record<string, string>>;
  maxFileBytes: number;
  maxAliasCount: number;
  /** Deepest nesting accepted (measureNesting's bound); deeper texts would exhaust the parser's stack. */
  maxDepth: number;
}

// YAML 1.2 reads 0644 as decimal; Kubernetes users (and yaml.v3, used by kustomize and Flux) mean octal, as in defaultMode.
const legacyOctal: ScalarTag = {
  identify: () => false,
  default: true,
  tag: 'tag:yaml.org,2002:int',
  test: /^[-+]?0[0-7]+$/,
  resolve: (text: string) => Number.parseInt(text, 8),
};

const isListKind = (value: Record<string, unknown>): boolean =>
  value['kind'] === 'List' ||
  (typeof value['kind'] === 'string' && value['kind'].endsWith('List') && Array.isArray(value['items']));

// The object's identity as written, for errors about an object that may be invalid; undefined when it cannot be told.
function writtenRef(item: unknown): ObjectRef | undefined {
  if (!isPlainObject(item) || typeof item['kind'] !== 'string' || !isPlainObject(item['metadata'])) return undefined;
  const { name, namespace } = item['metadata'];
  if (typeof name !== 'string' || name === '') return undefined;
  const { group, version } = parseApiVersion(typeof item['apiVersion'] === 'string' ? item['apiVersion'] : '');
  return { group, version, kind: item['kind'], namespace: typeof namespace === 'string' ? namespace : '', name };
}

/**
 * Reads one manifest file into objects: substitutes variables, parses every YAML document (JSON is YAML), expands
 * List kinds and validates each object. Returns every problem found instead of stopping at the first.
 */
export function parseManifestFile(
  file: ManifestFile,
  options: ParseManifestOptions,
): { objects: ParsedObject[]; errors: RenderErrorDetail[] } {
  const objects: ParsedObject[] = [];
  const errors: RenderErrorDetail[] = [];
  const fail = (code: ErrorCode, line: number, message: string, object?: ObjectRef): void => {
    errors.push({ code, message, file: file.path, line, ...(object ? { object } : {}) });
  };

  const bytes = utf8ByteLength(file.content);
  if (bytes > options.maxFileBytes) {
    fail('MANIFEST_TOO_LARGE', 0, `file is ${bytes} bytes, over the limit of ${options.maxFileBytes} (maxFileBytes); split it`);
    return { objects, errors };
  }

  const substitution = substituteVariables(file.content, options.variables);
  for (const problem of substitution.errors) fail(problem.code, problem.line, problem.message);
  // An unresolved `${...}` left in the text can break the YAML around it; parse errors then would only be noise.
  if (substitution.errors.length > 0) return { objects, errors };
  const depth = measureNesting(substitution.text);
  if (depth > options.maxDepth) {
    fail('MANIFEST_TOO_LARGE', 0, `file nests ${depth} levels deep, over the limit of ${options.maxDepth} (maxDepth); is this an attack on the parser?`);
    return { objects, errors };
  }
  const lineCounter = new LineCounter();
  const lineAt = (offset: number): number => {
    const line = lineCounter.linePos(offset).line;
    return substitution.sourceLines[line - 1] ?? line;
  };

  const documents = parseAllDocuments(substitution.text, {
    lineCounter,
    prettyErrors: false,
    merge: true,
    customTags: (tags) => [legacyOctal, ...tags],
    // Warnings (a collection used as a key) would go to the process's stderr; problems are reported as errors instead.
    logLevel: 'error',
  });

  documents.forEach((document, documentIndex) => {
    if (document.errors.length > 0) {
      for (const error of document.errors) fail('INVALID_MANIFEST', lineAt(error.pos[0]), `invalid YAML: ${error.message}`);
      return;
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: options.maxAliasCount });
    } catch (error) {
      const tooMany = error instanceof ReferenceError && /alias/i.test(error.message);
      const start = lineAt(document.range[0]);
      if (tooMany) {
        fail('MANIFEST_TOO_LARGE', start, `YAML aliases expand beyond ${options.maxAliasCount} (maxAliasCount); is this an alias bomb?`);
      } else {
        fail('INVALID_MANIFEST', start, `invalid YAML: ${error instanceof Error ? error.message : String(error)}`);
      }
      return;
    }
    if (value === null || value === undefined) return; // empty, comment-only or `---`-only document
    if (hasCycle(value)) {
      fail('INVALID_MANIFEST', lineAt(document.range[0]), 'a YAML alias refers to a node that contains it (a cycle), which no object can hold');
      return;
    }

    const lineOf = (path: PathSegment[]): number => {
      for (let depth = path.length; depth >= 0; depth--) {
        const node = document.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
        if (node?.range) return lineAt(node.range[0]);
      }
      return lineAt(document.contents?.range?.[0] ?? document.range[0]);
    };

    const take = (item: unknown, path: PathSegment[], itemIndex: number | undefined): void => {
      if (isPlainObject(item) && isListKind(item)) {
        const items = item['items'];
        if (!Array.isArray(items)) {
          fail('INVALID_MANIFEST', lineOf(path), `${String(item['kind'])} has no items list`);
          return;
        }
        items.forEach((child, i) => take(child, [...path, 'items', i], i));
        return;
      }
      const problems = findObjectProblems(item);
      const ref = writtenRef(item);
      const prefix = ref ? `${formatObjectRef(ref)}: ` : '';
      for (const problem of problems) fail('INVALID_MANIFEST', lineOf([...path, ...problem.path]), prefix + problem.message, ref);
      if (problems.length > 0) return;
      // A copy: nodes shared through YAML aliases must not share the changes made to one object (namespace defaulting).
      const object = copyJson(item) as KubeObject;
      if (object.metadata.namespace === '' || object.metadata.namespace === null) delete object.metadata.namespace;
      objects.push({
        object,
        file: file.path,
        line: lineOf(path),
        documentIndex,
        ...(itemIndex === undefined ? {} : { itemIndex }),
      });
    };
    take(value, [], undefined);
  });
  return { objects, errors };
}


/** A deep copy of a JSON value (findObjectProblems has checked it is one), sharing nothing with the original. */
function copyJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
