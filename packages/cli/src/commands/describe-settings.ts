import { envName, flagName } from '@flotilla/core';

/** One setting of a program, for help texts and the README. */
export interface SettingHelp {
  flag: string;
  env: string;
  defaultValue: string | undefined;
  description: string;
}

interface SchemaLike {
  shape: Record<string, { description?: string; _zod?: { def?: { type?: string; defaultValue?: unknown; innerType?: unknown; values?: unknown } } }>;
}

/** The settings of a zod config schema (the hub's or the agent's): flag, variable, default and description. */
export function describeSettings(schema: unknown): SettingHelp[] {
  const { shape } = schema as SchemaLike;
  return Object.entries(shape).map(([key, field]) => {
    const def = field._zod?.def;
    const defaultValue = def?.type === 'default' ? String(def.defaultValue) : undefined;
    const enumValues = findEnumValues(field);
    const description = field.description ?? (enumValues ? `one of ${enumValues.join(', ')}` : '');
    return { flag: `--${flagName(key)}`, env: envName(key), defaultValue, description };
  });
}

/** The settings as help text lines. */
export function formatSettingsHelp(settings: readonly SettingHelp[]): string {
  const width = Math.max(...settings.map((s) => `${s.flag}, ${s.env}`.length));
  return settings
    .map((s) => `  ${`${s.flag}, ${s.env}`.padEnd(width + 2)}${s.description}${s.defaultValue !== undefined ? ` (default ${s.defaultValue})` : ''}`)
    .join('\n');
}

function findEnumValues(field: unknown): string[] | undefined {
  let current = field as { _zod?: { def?: { type?: string; innerType?: unknown; entries?: Record<string, string> } } } | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    const def = current._zod?.def;
    if (def?.type === 'enum' && def.entries) return Object.values(def.entries);
    current = def?.innerType as typeof current;
  }
  return undefined;
}
