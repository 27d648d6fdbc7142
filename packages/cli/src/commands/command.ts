import type { ParseArgsConfig } from 'node:util';
import type { HubClient } from '../client/hub-client.js';
import type { Style } from '../output/style.js';

/** A stream the CLI writes to. */
export interface OutputStream {
  write(text: string): void;
  isTTY: boolean;
}

/** What every command gets: where to write, how, and how to reach the hub. */
export interface CommandContext {
  stdout: OutputStream;
  stderr: OutputStream;
  style: Style;
  output: 'table' | 'json';
  /** The REST client (built on first use). */
  hub(): HubClient;
  /** host:port of the hub's gRPC services (the status stream). */
  grpcAddress: string;
  token: string | undefined;
  /** The environment, for `hub` and `agent`, which read their own settings. */
  env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
}

/** Arguments after the verb. */
export interface CommandArgs {
  positionals: string[];
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  /** Everything after the verb, untouched (for `hub` and `agent`). */
  raw: string[];
}

/** One verb of the CLI. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The full help text. */
  usage: string;
  /** Options of this verb, beside the global ones. */
  options?: NonNullable<ParseArgsConfig['options']>;
  /** Hands every argument to the verb untouched (programs with settings of their own). */
  isPassThrough?: boolean;
  /** Resolves to the exit status (0 when omitted). */
  run(context: CommandContext, args: CommandArgs): Promise<number | void>;
}

/** Prints a value as JSON (`-o json`). */
export function printJson(context: CommandContext, value: unknown): void {
  context.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
