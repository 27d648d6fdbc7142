import { LineCounter, parseAllDocuments } from 'yaml';
import { YAML_PARSE_OPTIONS } from './yaml-parse-options.js';
import { utf8ByteLength } from './compare-bytewise.js';
import { findObjectProblems } from './find-object-problems.js';
import { hasCycle } from './has-cycle.js';
import { type ErrorCode } from './flotilla-error.js';
import { isPlainObject, type KubeObject } from './kube-object.js';
import { measureNesting } from './measure-nesting.js';
import { type PathSegment } from './json-pointer.js';
import { formatObjectRef, parseApiVersion, type ObjectRef } from './object-ref.js';
import { isSubstitutionDisabled } from './is-substitution-disabled.js';
import { splitYamlDocuments } from './split-yaml-documents.js';
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
  /** Line of the real file that `content` starts at, when it is a part of one (a document); default 1. */
  firstLine?: number;
  /** Index of the first document of `content` in the real file; default 0. */
  firstDocumentIndex?: number;
}


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
 * Reads one manifest file into objects: substitutes the given variables in each YAML document's text (not in one
 * annotated `flotilla.io/substitute: disabled`), parses every document (JSON is YAML), expands List kinds and validates
 * each object. Returns every problem found instead of stopping at the first.
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

  // Measured before parsing, since the parser recurses; variable values are not nested deeper than a line.
  const depth = measureNesting(file.content);
  if (depth > options.maxDepth) {
    fail('MANIFEST_TOO_LARGE', 0, `file nests ${depth} levels deep, over the limit of ${options.maxDepth} (maxDepth); is this an attack on the parser?`);
    return { objects, errors };
  }
  let documentIndex = options.firstDocumentIndex ?? 0;
  for (const part of splitYamlDocuments(file.content)) {
    const firstLine = (options.firstLine ?? 1) + part.line - 1;
    const isDisabled = part.text.includes('${') && isSubstitutionDisabled(part.text, options.maxAliasCount);
    const substitution = substituteVariables(part.text, isDisabled ? {} : options.variables);
    if (isDisabled) substitution.errors = [];
    for (const problem of substitution.errors) fail(problem.code, firstLine + problem.line - 1, problem.message);
    // An unresolved `${cluster...}` left in the text can break the YAML around it; parse errors then would only be noise.
    if (substitution.errors.length > 0) continue;
    documentIndex = parseDocuments(substitution.text, (line) => firstLine + (substitution.sourceLines[line - 1] ?? line) - 1, documentIndex);
  }
  return { objects, errors };

  // Parses the documents of one substituted text; returns the index of the document after its last.
  function parseDocuments(text: string, fileLine: (line: number) => number, firstIndex: number): number {
    const lineCounter = new LineCounter();
    const lineAt = (offset: number): number => fileLine(lineCounter.linePos(offset).line);

    const documents = parseAllDocuments(text, { lineCounter, ...YAML_PARSE_OPTIONS });

    documents.forEach((document, index) => {
      const documentIndex = firstIndex + index;
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
    return firstIndex + documents.length;
  }
}

/** A deep copy of a JSON value (findObjectProblems has checked it is one), sharing nothing with the original. */
function copyJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
