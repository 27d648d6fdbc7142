#!/usr/bin/env node
import { runCli } from '@flotilla/cli';
import { demoCommand } from '../demo-command.js';

// `pnpm demo`: the CLI's `demo` verb, run from this package, which brings it (the CLI itself carries no demo).
const controller = new AbortController();
let interrupts = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // The first Ctrl-C stops gracefully (the demo cleans up); a second one does not wait.
    if (++interrupts > 1) process.exit(130);
    controller.abort();
  });
}
const stdout = { write: (text: string) => void process.stdout.write(text), isTTY: Boolean(process.stdout.isTTY) };
const stderr = { write: (text: string) => void process.stderr.write(text), isTTY: Boolean(process.stderr.isTTY) };
const status = await runCli(['demo', ...process.argv.slice(2)], { env: process.env, stdout, stderr, signal: controller.signal, commands: [demoCommand] });
process.exitCode = status;
// Embedded servers and clients may hold handles open a moment longer; the demo's work is done.
setTimeout(() => process.exit(status), 1000).unref();
