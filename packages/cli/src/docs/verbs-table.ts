import type { Command } from '../commands/command.js';

/** The Markdown table of the CLI's verbs (verb, what it does), as the root README shows it. */
export function formatVerbsTable(commands: readonly Command[]): string {
  const escape = (text: string) => text.replaceAll('|', '\\|');
  return ['| verb | what |', '|---|---|', ...commands.map((c) => `| \`${c.name}\` | ${escape(c.summary)} |`)].join('\n');
}

/** Every verb's synopsis (its usage up to the first blank line), as a code block for the CLI's README. */
export function formatVerbsSynopsis(commands: readonly Command[]): string {
  const lines = commands.flatMap((c) => c.usage.split('\n\n')[0]?.split('\n') ?? []);
  return ['```', ...lines, '```'].join('\n');
}
