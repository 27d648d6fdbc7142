import type { SettingHelp } from '../commands/describe-settings.js';

/** The Markdown table of a program's settings, as the README's configuration reference shows it. */
export function formatSettingsTable(settings: readonly SettingHelp[]): string {
  const escape = (text: string) => text.replaceAll('|', '\\|');
  return [
    '| variable | flag | default | what |',
    '|---|---|---|---|',
    ...settings.map((s) => `| \`${s.env}\` | \`${s.flag}\` | ${s.defaultValue === undefined ? '' : `\`${s.defaultValue}\``} | ${escape(s.description)} |`),
  ].join('\n');
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`; throws when the markers are missing. */
export function replaceBlock(document: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from < 0 || to < from) throw new Error(`no ${start} … ${end} block`);
  return `${document.slice(0, from + start.length)}\n${content}\n${document.slice(to)}`;
}
