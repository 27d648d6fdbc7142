import { type Command, numberOption, printData } from '@flotilla/cli';
import { runDemo } from './run-demo.js';

/** The `demo` verb: the whole loop on this machine (`pnpm demo`, or `flotilla demo` where this package is installed). */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'start a hub, three clusters and a Git server here, and walk through the GitOps loop',
  usage: `flotilla demo [--keep] [--pace MS] [--http-port PORT] [--grpc-port PORT]

Starts everything on this machine with embedded defaults (SQLite; real etcd + kube-apiserver control planes and a
Git server from testenv), registers three clusters with agents, creates an app and walks through the loop: first
sync, a commit rolled out, drift made and corrected, a bad commit halted and rolled back. Then it stops everything
and exits, or with --keep stays up and prints the URLs and commands to explore.
  --keep        stay up after the walk-through until Ctrl-C
  --pace MS     pause between steps, in milliseconds; default 1200 (0 runs straight through)
  --http-port   the hub's REST port if free; default 8080
  --grpc-port   the hub's gRPC port if free; default 9090
The first run builds the Kubernetes binaries with Go (a few minutes, once).

Example:
  pnpm demo --keep              # in a checkout; the same as: flotilla demo --keep`,
  options: { keep: { type: 'boolean' }, pace: { type: 'string' }, 'http-port': { type: 'string' }, 'grpc-port': { type: 'string' } },
  async run(context, args) {
    const result = await runDemo({
      stdout: context.stdout,
      style: context.style,
      keep: Boolean(args.values.keep),
      paceMs: numberOption(args, 'pace', { min: 0, max: 60_000 }),
      httpPort: numberOption(args, 'http-port', { min: 1, max: 65_535 }),
      grpcPort: numberOption(args, 'grpc-port', { min: 1, max: 65_535 }),
      signal: context.signal,
    });
    if (context.output !== 'table') printData(context, result);
  },
};
