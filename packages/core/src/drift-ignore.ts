import { type ObjectRef } from './object-ref.js';

/** A rule excluding objects or fields from drift detection and correction; mirrors flotilla.v1.IgnoreRule. */
export interface DriftIgnoreRule {
  /** Kind to match ("Deployment"); empty or absent matches every kind. */
  kind?: string;
  /** Namespace to match; empty or absent matches every namespace. `*` matches any run of characters. */
  namespace?: string;
  /** Object name to match; empty or absent matches every name. `*` matches any run of characters. */
  name?: string;
  /** JSON pointers (RFC 6901) of the fields to ignore; none ignores the whole object. */
  jsonPointers?: readonly string[];
}

/** What the rules exclude of one object: all of it, or some fields. */
export interface IgnoredFields {
  isWholeObject: boolean;
  /** JSON pointers of the ignored fields, from every matching rule, without repeats. */
  pointers: string[];
}

function matches(pattern: string | undefined, value: string): boolean {
  if (!pattern) return true;
  if (!pattern.includes('*')) return pattern === value;
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`).test(value);
}

/** Whether a rule applies to an object (by kind, namespace and name; empty fields match anything). */
export function matchesIgnoreRule(rule: DriftIgnoreRule, ref: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): boolean {
  return (!rule.kind || rule.kind === ref.kind) && matches(rule.namespace, ref.namespace) && matches(rule.name, ref.name);
}

/** What a set of ignore rules excludes of one object. */
export function ignoredFieldsOf(rules: readonly DriftIgnoreRule[], ref: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): IgnoredFields {
  const pointers = new Set<string>();
  for (const rule of rules) {
    if (!matchesIgnoreRule(rule, ref)) continue;
    if (!rule.jsonPointers || rule.jsonPointers.length === 0) return { isWholeObject: true, pointers: [] };
    for (const pointer of rule.jsonPointers) pointers.add(pointer);
  }
  return { isWholeObject: false, pointers: [...pointers] };
}
