import { type ErrorCode } from './flotilla-error.js';

/** A `${...}` problem found while substituting, at a 1-based line of the original text. */
export interface SubstitutionError {
  code: Extract<ErrorCode, 'UNKNOWN_VARIABLE'>;
  line: number;
  message: string;
}

/** The substituted text, and for each of its lines the line of the original text it came from. */
export interface Substitution {
  text: string;
  /** `sourceLines[i]` is the 1-based original line of line i + 1 of `text` (values may add lines). */
  sourceLines: number[];
  errors: SubstitutionError[];
}

const NAME = /[A-Za-z_][A-Za-z0-9_.-]*/y;

/** Whether a string is a valid variable name: `[A-Za-z_][A-Za-z0-9_.-]*`. */
export function isVariableName(name: string): boolean {
  NAME.lastIndex = 0;
  return NAME.test(name) && NAME.lastIndex === name.length;
}

/** The prefix of the variables Flotilla defines for every cluster (`cluster.name`, `cluster.labels.<key>`). */
export const CLUSTER_VARIABLE_PREFIX = 'cluster.';

/**
 * Replaces `${name}` with `variables[name]` in raw manifest text, for the names in `variables` only (the App's and the
 * cluster's); `$${` stands for a literal `${`. Every other `${...}` is left as written: Grafana dashboards
 * (`${datasource}`), shell scripts (`${1}`, `${HOME}`) and exporter configs use the same syntax for their own
 * purposes. A `${cluster.<x>}` that is not defined is an error, since that name is Flotilla's; one pass reports them all.
 */
export function substituteVariables(text: string, variables: Readonly<Record<string, string>>): Substitution {
  const out: string[] = [];
  const sourceLines = [1];
  const errors: SubstitutionError[] = [];
  let line = 1;
  let from = 0;

  const copy = (end: number): void => {
    const chunk = text.slice(from, end);
    for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) sourceLines.push(++line);
    out.push(chunk);
    from = end;
  };
  const insert = (value: string): void => {
    for (let i = value.indexOf('\n'); i >= 0; i = value.indexOf('\n', i + 1)) sourceLines.push(line);
    out.push(value);
  };

  for (let at = text.indexOf('${'); at >= 0; at = text.indexOf('${', from)) {
    if (at > from && text[at - 1] === '$') {
      copy(at - 1);
      from = at + 2;
      out.push('${');
      continue;
    }
    copy(at);
    NAME.lastIndex = at + 2;
    const named = NAME.test(text) && text[NAME.lastIndex] === '}';
    if (!named) {
      copy(at + 2);
      continue;
    }
    const name = text.slice(at + 2, NAME.lastIndex);
    from = NAME.lastIndex + 1;
    if (Object.hasOwn(variables, name)) {
      insert(variables[name] ?? '');
    } else {
      if (name.startsWith(CLUSTER_VARIABLE_PREFIX)) {
        errors.push({
          code: 'UNKNOWN_VARIABLE',
          line,
          message: `variable "${name}" is not defined for this cluster (cluster variables: cluster.name and cluster.labels.<key>); add the label, or write $\${${name}} for a literal \${${name}}`,
        });
      }
      out.push(text.slice(at, from));
    }
  }
  copy(text.length);
  return { text: out.join(''), sourceLines, errors };
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g;

/**
 * The variable names a text refers to as `${name}` (a `$${name}` too, which substitution leaves alone: naming one more
 * than needed costs nothing). What {@link substituteVariables} makes of the text depends on these variables' values and
 * on whether they are defined, and on nothing else: clusters that agree on them get the same text.
 */
export function referencedVariables(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(REFERENCE)) names.add(match[1] as string);
  return names;
}
