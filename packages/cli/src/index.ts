// The flotilla command as a library: the CLI itself (runCli), the REST and status-stream clients it is built on, and
// what another package needs to bring a verb of its own (the demo's `demo`): the Command shape, argument helpers and
// the tables and styles the verbs print with.
export { CliError, EXIT_CODES, type CliErrorCode } from './errors/cli-error.js';
export { COMMANDS, DEFAULT_HUB_URL, runCli, type CliEnvironment } from './run-cli.js';
export { HubClient, type HubClientOptions } from './client/hub-client.js';
export { FleetView, enumWord, healthOf, isSyncedAndHealthy, phaseOf } from './client/fleet-view.js';
export { watchStatus, type WatchStatusOptions } from './client/watch-status.js';
export { waitForApp, type WaitForAppOptions } from './client/wait-for-app.js';
export { numberOption, stringOption } from './commands/arguments.js';
export { clusterColumns } from './commands/clusters.js';
export { printData, type Command, type CommandArgs, type CommandContext, type OutputFormat, type OutputStream } from './commands/command.js';
export { describeSettings, formatSettingsHelp, type SettingHelp } from './commands/describe-settings.js';
export { formatRolloutTable } from './commands/rollout-table.js';
export { formatStatusTable } from './commands/status-table.js';
export { describeEvent } from './output/describe-event.js';
export { formatDriftDiffs, formatFieldDiff } from './output/format-drift-diffs.js';
export { formatLooseTable } from './output/format-loose-table.js';
export { formatFields, formatTable, type Column } from './output/format-table.js';
export { formatChanges, formatDuration, shortRevision } from './output/format-values.js';
export { Progress } from './output/progress.js';
export { Style } from './output/style.js';
export { CLI_VERSION } from './version.js';
