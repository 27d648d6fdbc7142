import { FlotillaError } from './flotilla-error.js';

/** One requirement of a label selector, as Kubernetes writes it. */
export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

/** A Kubernetes-style label selector: every matchLabels pair and every expression must hold. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** Whether a string is a valid label key (optional DNS prefix and `/`, then a name of at most 63 characters). */
export function isLabelKey(key: string): boolean {
  return key.length <= 317 && KEY.test(key);
}

/** Whether a string is a valid label value (at most 63 characters, may be empty). */
export function isLabelValue(value: string): boolean {
  return VALUE.test(value);
}

/** Checks a label map; returns one message per bad key or value. */
export function validateLabels(labels: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(labels)) {
    if (!isLabelKey(key)) problems.push(`label key "${key}" is not a valid Kubernetes label key`);
    if (typeof value !== 'string' || !isLabelValue(value)) problems.push(`label "${key}" has invalid value "${String(value)}"`);
  }
  return problems;
}

/** Whether a set of labels satisfies a selector. An empty selector matches everything. */
export function matchesLabelSelector(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const requirement of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, requirement.key);
    const value = labels[requirement.key];
    const values = requirement.values ?? [];
    switch (requirement.operator) {
      case 'In':
        if (!has || !values.includes(value as string)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(value as string)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        requirement.operator satisfies never;
    }
  }
  return true;
}

function invalid(text: string, why: string): FlotillaError {
  return new FlotillaError('INVALID_ARGUMENT', `label selector "${text}": ${why}`, { data: { selector: text } });
}

/**
 * Reads the string form kubectl takes (`env=prod,tier in (web,api),!legacy,region!=eu,gpu`).
 * Throws INVALID_ARGUMENT naming the bad part.
 */
export function parseLabelSelector(text: string): LabelSelector {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: LabelSelectorRequirement[] = [];
  // Split on commas that are not inside a set's parentheses.
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (depth < 0) throw invalid(text, 'unbalanced ")"');
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  if (depth !== 0) throw invalid(text, 'unbalanced "("');
  parts.push(current);

  for (const raw of parts.map((p) => p.trim())) {
    if (raw === '') {
      if (parts.length === 1) break;
      throw invalid(text, 'empty requirement');
    }
    const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(raw);
    const compare = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(raw);
    let key: string;
    if (set) {
      key = set[1] as string;
      const values = (set[3] as string).split(',').map((v) => v.trim());
      for (const value of values) if (!isLabelValue(value)) throw invalid(text, `invalid value "${value}"`);
      matchExpressions.push({ key, operator: set[2] === 'in' ? 'In' : 'NotIn', values });
    } else if (compare) {
      key = compare[1] as string;
      const value = compare[3] as string;
      if (!isLabelValue(value)) throw invalid(text, `invalid value "${value}"`);
      if (compare[2] === '!=') matchExpressions.push({ key, operator: 'NotIn', values: [value] });
      else if (Object.hasOwn(matchLabels, key) && matchLabels[key] !== value) throw invalid(text, `"${key}" required to equal two values`);
      else matchLabels[key] = value;
    } else if (raw.startsWith('!')) {
      key = raw.slice(1).trim();
      matchExpressions.push({ key, operator: 'DoesNotExist' });
    } else {
      key = raw;
      matchExpressions.push({ key, operator: 'Exists' });
    }
    if (!isLabelKey(key)) throw invalid(text, `invalid key "${key}"`);
  }
  return {
    ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
    ...(matchExpressions.length > 0 ? { matchExpressions } : {}),
  };
}

/** Checks a structured selector from an API body; returns one message per problem. */
export function validateLabelSelector(selector: LabelSelector): string[] {
  const problems = validateLabels(selector.matchLabels ?? {});
  for (const [i, requirement] of (selector.matchExpressions ?? []).entries()) {
    const where = `matchExpressions[${i}]`;
    if (!isLabelKey(requirement.key)) problems.push(`${where}: invalid key "${requirement.key}"`);
    const values = requirement.values ?? [];
    if ((requirement.operator === 'In' || requirement.operator === 'NotIn') && values.length === 0) {
      problems.push(`${where}: ${requirement.operator} needs at least one value`);
    }
    if ((requirement.operator === 'Exists' || requirement.operator === 'DoesNotExist') && values.length > 0) {
      problems.push(`${where}: ${requirement.operator} takes no values`);
    }
    for (const value of values) if (!isLabelValue(value)) problems.push(`${where}: invalid value "${value}"`);
  }
  return problems;
}
