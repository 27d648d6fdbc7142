// `pnpm bench` runs the small sizes (minutes); `pnpm bench --full` the sizes of the issue. Results go to
// test/bench/results/<time>.json and a table on stdout. `--only apply,fetch` picks benchmarks.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { applyBench } from './apply.bench.js';
import { type BenchReport, formatReports } from './bench-report.js';
import { commitBench } from './commit-to-fleet.bench.js';
import { simulatedCommitBench } from './commit-to-simulated-fleet.bench.js';
import { driftBench } from './drift-latency.bench.js';
import { fanoutBench, fanoutReplicasBench } from './fanout.bench.js';
import { fetchBench } from './fetch.bench.js';
import { renderBench } from './render.bench.js';
import { replicasBench } from './replicas.bench.js';

// A benchmark may give several reports: `commit` measures 3 real clusters, then many simulated ones.
const benches: Record<string, (full: boolean) => Promise<BenchReport | BenchReport[]>> = {
  apply: applyBench,
  fetch: fetchBench,
  render: renderBench,
  drift: driftBench,
  fanout: fanoutBench,
  'fanout-replicas': fanoutReplicasBench,
  commit: async (full) => [await commitBench(full), await simulatedCommitBench(full)],
  replicas: replicasBench,
};

const { values } = parseArgs({ options: { full: { type: 'boolean', default: false }, only: { type: 'string' } } });
const names = values.only ? values.only.split(',') : Object.keys(benches);
const unknown = names.filter((n) => !benches[n]);
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
const reports: BenchReport[] = [];
for (const name of names) {
  process.stderr.write(`running ${name}${values.full ? ' (full)' : ''}…\n`);
  reports.push(...[await (benches[name] as (full: boolean) => Promise<BenchReport | BenchReport[]>)(values.full ?? false)].flat());
}
const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify({ full: values.full, node: process.version, reports }, null, 2)}\n`);
console.log(formatReports(reports));
for (const report of reports) for (const note of report.notes ?? []) console.log(`note (${report.bench}): ${note}`);
console.log(`results: ${file}`);
process.exit(0);
