import { agentConfigSchema } from '@flotilla/agent';
import { hubConfigSchema } from '@flotilla/hub';
import { describeSettings } from '../commands/describe-settings.js';
import { formatSettingsTable, replaceBlock } from './settings-table.js';

/** The README with its generated blocks (the hub's and the agent's settings) brought up to date. */
export function renderReadmeBlocks(readme: string): string {
  let text = replaceBlock(readme, 'hub-settings', formatSettingsTable(describeSettings(hubConfigSchema)));
  text = replaceBlock(text, 'agent-settings', formatSettingsTable(describeSettings(agentConfigSchema)));
  return text;
}
