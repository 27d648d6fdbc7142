import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { ConfigError } from './config-error.js';

/** Where settings come from: environment variables and command-line flags (flags win). */
export interface SettingsSource {
  env?: Record<string, string | undefined>;
  argv?: string[];
}

/** Raw setting values by schema key, and where each came from (for error messages). */
export interface Settings {
  values: Record<string, string>;
  origins: Record<string, string>;
}

/** `httpPort` → `FLOTILLA_HTTP_PORT`. */
export function envName(key: string): string {
  return `FLOTILLA_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** `httpPort` → `http-port`. */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Reads and validates a program's settings: each key of the schema from `FLOTILLA_<KEY>` or `--<key>` (flags win).
 * Throws a ConfigError listing every bad key by the name the user gave it.
 */
export function parseSettings<S extends z.ZodObject>(schema: S, source: SettingsSource): z.infer<S> {
  let settings: Settings;
  try {
    settings = readSettings(schema, source);
  } catch (error) {
    // node:util parseArgs names the unknown or malformed flag in its message.
    throw new ConfigError([{ key: 'flags', message: (error as Error).message }]);
  }
  const result = schema.safeParse(settings.values);
  if (!result.success) throw ConfigError.fromZod(result.error, settings.origins);
  return result.data;
}

/** Collects the raw values of a schema's keys from the environment and flags. Unknown flags are an error. */
export function readSettings(schema: z.ZodObject, source: SettingsSource): Settings {
  const keys = Object.keys(schema.shape);
  const values: Record<string, string> = {};
  const origins: Record<string, string> = {};
  for (const key of keys) {
    const value = source.env?.[envName(key)];
    if (value !== undefined && value !== '') {
      values[key] = value;
      origins[key] = envName(key);
    }
  }
  const { values: flags } = parseArgs({
    args: source.argv ?? [],
    options: Object.fromEntries(keys.map((key) => [flagName(key), { type: 'string' as const }])),
    strict: true,
    allowPositionals: false,
  });
  for (const key of keys) {
    const value = flags[flagName(key)];
    if (typeof value === 'string') {
      values[key] = value;
      origins[key] = `--${flagName(key)}`;
    }
  }
  return { values, origins };
}
