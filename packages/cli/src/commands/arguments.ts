import { CliError } from '../errors/cli-error.js';
import type { CommandArgs } from './command.js';

/** The sub-verb (first positional) among `allowed`, or `fallback` when none is given. */
export function subcommandOf(args: CommandArgs, allowed: readonly string[], fallback: string, command: string): string {
  const first = args.positionals[0];
  if (first === undefined) return fallback;
  if (!allowed.includes(first)) throw new CliError('USAGE', `unknown "${command}" action "${first}"; use one of: ${allowed.join(', ')}`);
  return first;
}

/** The positional at `index`, or a usage error naming what is missing. */
export function requiredArgument(args: CommandArgs, index: number, what: string, usage: string): string {
  const value = args.positionals[index];
  if (value === undefined || value === '') throw new CliError('USAGE', `missing ${what}\nusage: ${usage}`);
  return value;
}

/** No positionals beyond `count`. */
export function noMoreArguments(args: CommandArgs, count: number): void {
  const extra = args.positionals.slice(count);
  if (extra.length > 0) throw new CliError('USAGE', `unexpected argument${extra.length > 1 ? 's' : ''}: ${extra.join(' ')}`);
}

/** `k=v` pairs (from repeated flags or positionals) as a record. */
export function keyValues(values: readonly string[], what: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of values) {
    for (const pair of item.split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new CliError('USAGE', `${what} must be key=value, got "${pair}"`);
      result[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
  }
  return result;
}

/** A string option's value (the last one if repeated). */
export function stringOption(args: CommandArgs, name: string): string | undefined {
  const value = args.values[name];
  if (Array.isArray(value)) return value.length === 0 ? undefined : String(value[value.length - 1]);
  return typeof value === 'string' ? value : undefined;
}

/** A repeatable string option's values. */
export function listOption(args: CommandArgs, name: string): string[] {
  const value = args.values[name];
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? [value] : [];
}

/** A whole number option within bounds. */
export function numberOption(args: CommandArgs, name: string, bounds: { min: number; max: number }): number | undefined {
  const raw = stringOption(args, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < bounds.min || value > bounds.max) {
    throw new CliError('USAGE', `--${name} must be a whole number from ${bounds.min} to ${bounds.max}, got "${raw}"`);
  }
  return value;
}
