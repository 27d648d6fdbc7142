import { agentConfigSchema } from '@flotilla/agent';
import { hubConfigSchema } from '@flotilla/hub';
import { describeSettings } from '../commands/describe-settings.js';
import { COMMANDS } from '../run-cli.js';
import { formatSettingsTable, replaceBlock } from './settings-table.js';
import { formatVerbsSynopsis, formatVerbsTable } from './verbs-table.js';

/** The root README with its generated blocks (the CLI's verbs, the hub's and the agent's settings) brought up to date. */
export function renderReadmeBlocks(readme: string): string {
  let text = replaceBlock(readme, 'cli-verbs', formatVerbsTable(COMMANDS));
  text = replaceBlock(text, 'hub-settings', formatSettingsTable(describeSettings(hubConfigSchema)));
  text = replaceBlock(text, 'agent-settings', formatSettingsTable(describeSettings(agentConfigSchema)));
  return text;
}

/** The CLI's README with its generated block (every verb's synopsis) brought up to date. */
export function renderCliReadmeBlocks(readme: string): string {
  return replaceBlock(readme, 'cli-synopsis', formatVerbsSynopsis(COMMANDS));
}
