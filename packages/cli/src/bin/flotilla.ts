#!/usr/bin/env node
import { runCli } from '../run-cli.js';

// Entry point: the only place that reads the process's environment, arguments and signals.
const controller = new AbortController();
let interrupts = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // The first Ctrl-C stops gracefully (watches end, the demo cleans up); a second one does not wait.
    if (++interrupts > 1) process.exit(130);
    controller.abort();
  });
}
const stdout = { write: (text: string) => void process.stdout.write(text), isTTY: Boolean(process.stdout.isTTY) };
const stderr = { write: (text: string) => void process.stderr.write(text), isTTY: Boolean(process.stderr.isTTY) };
const status = await runCli(process.argv.slice(2), { env: process.env, stdout, stderr, signal: controller.signal });
process.exitCode = status;
// Embedded servers and clients may hold handles open a moment longer; the command's work is done.
setTimeout(() => process.exit(status), 1000).unref();
