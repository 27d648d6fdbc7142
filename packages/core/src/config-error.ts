import type { z } from 'zod';
import { envName } from './read-settings.js';

/** One bad setting: its name as the user wrote it and what is wrong. */
export interface ConfigProblem {
  key: string;
  message: string;
}

/** The configuration is invalid; `problems` lists every bad key. Entry points print it and exit. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';

  constructor(readonly problems: ConfigProblem[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p.key}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }

  /** Names each problem after the variable or flag that supplied the value. */
  static fromZod(error: z.ZodError, origins: Record<string, string>): ConfigError {
    return new ConfigError(
      error.issues.map((issue) => {
        const key = String(issue.path[0] ?? '');
        return { key: origins[key] ?? envName(key), message: issue.message };
      }),
    );
  }
}
