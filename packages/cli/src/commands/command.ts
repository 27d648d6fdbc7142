import type { ParseArgsConfig } from 'node:util';
import { stringify } from 'yaml';
import type { HubClient } from '../client/hub-client.js';
import type { Style } from '../output/style.js';

/** A stream the CLI writes to. */
export interface OutputStream {
  write(text: string): void;
  isTTY: boolean;
}

/** How a verb prints what it got: a table for people, JSON or YAML (the REST API's answer as is) for scripts. */
export type OutputFormat = 'table' | 'json' | 'yaml';

/** Every output format, in the order help lists them. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'yaml'];

/** What every command gets: where to write, how, and how to reach the hub. */
export interface CommandContext {
  stdout: OutputStream;
  stderr: OutputStream;
  style: Style;
  output: OutputFormat;
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
  /** A verb another package brings: loaded (with its real options and help) before the arguments are parsed. */
  load?(): Promise<Command>;
  /** Resolves to the exit status (0 when omitted). */
  run(context: CommandContext, args: CommandArgs): Promise<number | void>;
}

/** Prints a value as JSON (`-o json`) or YAML (`-o yaml`). */
export function printData(context: Pick<CommandContext, 'stdout' | 'output'>, value: unknown): void {
  context.stdout.write(context.output === 'yaml' ? stringify(value ?? null) : `${JSON.stringify(value, null, 2)}\n`);
}
