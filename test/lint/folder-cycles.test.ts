import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Runs `pnpm lint:cycles` (the same command and the same .dependency-cruiser.cjs) over small fixture trees.

const root = fileURLToPath(new URL('../../', import.meta.url));
const lintCycles = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
  .scripts['lint:cycles']!;

const trees: string[] = [];
afterAll(() => {
  for (const tree of trees.splice(0)) rmSync(tree, { recursive: true, force: true });
});

/** Writes files (path → content) into a fresh tree holding the repository's cruiser config. */
function fixtureTree(files: Record<string, string>): string {
  const tree = mkdtempSync(join(tmpdir(), 'flotilla-cycles-'));
  trees.push(tree);
  cpSync(join(root, '.dependency-cruiser.cjs'), join(tree, '.dependency-cruiser.cjs'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(tree, path)), { recursive: true });
    writeFileSync(join(tree, path), content);
  }
  return tree;
}

/** A workspace package named @flotilla/<name> whose entry is src/index.ts, linked as pnpm links it. */
function workspacePackage(tree: string, name: string): void {
  const exports = { '.': { source: './src/index.ts', default: './dist/index.js' } };
  writeFileSync(join(tree, 'packages', name, 'package.json'), JSON.stringify({ name: `@flotilla/${name}`, type: 'module', exports }));
  mkdirSync(join(tree, 'node_modules', '@flotilla'), { recursive: true });
  symlinkSync(join(tree, 'packages', name), join(tree, 'node_modules', '@flotilla', name), 'dir');
}

/**
 * Runs the lint:cycles command in the tree as `pnpm lint` does; resolves its exit code and the arrows it reports,
 * read from its report: a violation prints `error <rule>: <from> → ` and then the cycle's next folder.
 */
function runLintCycles(tree: string): Promise<{ code: number; arrows: string[]; report: string }> {
  const env = { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` };
  return new Promise((resolve) => {
    execFile('sh', ['-c', lintCycles], { cwd: tree, env }, (error, stdout, stderr) => {
      const code = typeof error?.code === 'number' ? error.code : error ? -1 : 0;
      const lines = stdout.split('\n');
      const arrows = lines.flatMap((line, i) => {
        const violation = /^\s*error ([\w-]+): (\S+) → $/.exec(line);
        const next = /^\s*(\S+) →$/.exec(lines[i + 1] ?? '');
        return violation && next ? [`${violation[1]}: ${violation[2]} → ${next[1]}`] : [];
      });
      resolve({ code, arrows: arrows.sort(), report: stdout + stderr });
    });
  });
}

// Every program and package folder the command names must exist in a fixture.
const skeleton = {
  'hub/src/index.ts': 'export const hub = 1;\n',
  'agent/src/index.ts': 'export const agent = 1;\n',
  'packages/core/src/index.ts': 'export const core = 1;\n',
};

// Each case starts the cruiser in a process of its own: run them side by side.
describe.concurrent('pnpm lint:cycles', () => {
  it('fails on two folders that import each other, a type-only import included', async () => {
    const tree = fixtureTree({
      ...skeleton,
      'hub/src/apps/app.ts': "import { type Rollout } from '../rollouts/rollout.js';\nexport interface App { rollout?: Rollout }\n",
      'hub/src/rollouts/rollout.ts': "import { type App } from '../apps/app.js';\nexport interface Rollout { app: App }\n",
    });

    const { code, arrows, report } = await runLintCycles(tree);

    expect(code, report).not.toBe(0);
    expect(arrows, report).toEqual([
      'no-folder-cycle: hub/src/apps → hub/src/rollouts',
      'no-folder-cycle: hub/src/rollouts → hub/src/apps',
    ]);
  }, 60_000);

  it('fails on a cycle through three folders, though no two import each other', async () => {
    const tree = fixtureTree({
      ...skeleton,
      'agent/src/reconciler/reconcile.ts': "import { drift } from '../drift/drift.js';\nexport const reconcile = () => drift;\n",
      'agent/src/drift/drift.ts': "import { rollback } from '../rollback/rollback.js';\nexport const drift = () => rollback;\n",
      'agent/src/rollback/rollback.ts': "import { reconcile } from '../reconciler/reconcile.js';\nexport const rollback = () => reconcile;\n",
    });

    const { code, arrows, report } = await runLintCycles(tree);

    expect(code, report).not.toBe(0);
    expect(arrows, report).toEqual([
      'no-folder-cycle: agent/src/drift → agent/src/rollback',
      'no-folder-cycle: agent/src/reconciler → agent/src/drift',
      'no-folder-cycle: agent/src/rollback → agent/src/reconciler',
    ]);
  }, 60_000);

  it('fails on two workspace packages that import each other', async () => {
    const tree = fixtureTree({
      ...skeleton,
      'packages/kube/src/index.ts': "import { git } from '@flotilla/git';\nexport const kube = () => git;\n",
      'packages/git/src/index.ts': "import { kube } from '@flotilla/kube';\nexport const git = () => kube;\n",
    });
    workspacePackage(tree, 'kube');
    workspacePackage(tree, 'git');

    const { code, arrows, report } = await runLintCycles(tree);

    expect(code, report).not.toBe(0);
    expect(arrows, report).toEqual([
      'no-package-cycle: packages/git/src → packages/kube/src',
      'no-package-cycle: packages/kube/src → packages/git/src',
    ]);
  }, 60_000);

  it('passes folders that import one way, entry files and tests that import anything', async () => {
    const tree = fixtureTree({
      ...skeleton,
      'hub/src/version.ts': "export const version = '1';\n",
      'hub/src/main.ts': "import { app } from './apps/app.js';\nimport { rollout } from './rollouts/rollout.js';\nexport const main = [app, rollout];\n",
      'hub/src/apps/app.ts': "import { rollout } from '../rollouts/rollout.js';\nimport { version } from '../version.js';\nexport const app = [rollout, version];\n",
      'hub/src/rollouts/rollout.ts': "import { core } from '@flotilla/core';\nexport const rollout = core;\n",
      'hub/src/rollouts/rollout.test.ts': "import { app } from '../apps/app.js';\nexport const uses = app;\n",
      'hub/src/testing/start.ts': "import { main } from '../main.js';\nexport const start = main;\n",
      'hub/src/apps/app.int.test.ts': "import { start } from '../testing/start.js';\nexport const uses = start;\n",
    });
    workspacePackage(tree, 'core');

    const { code, arrows, report } = await runLintCycles(tree);

    expect(arrows, report).toEqual([]);
    expect(code, report).toBe(0);
    expect(report).toContain('no dependency violations found');
  }, 60_000);
});
