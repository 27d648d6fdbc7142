import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderCliReadmeBlocks, renderReadmeBlocks } from './readme-blocks.js';
import { replaceBlock } from './settings-table.js';

describe('the READMEs generated blocks', () => {
  it('lists every hub and agent setting as the programs read them (pnpm docs:readme rewrites it)', async () => {
    const readme = await readFile(new URL('../../../../README.md', import.meta.url), 'utf8');
    expect(readme, 'README.md configuration tables are stale: run pnpm docs:readme').toBe(renderReadmeBlocks(readme));
    expect(readme).toContain('| `FLOTILLA_DATABASE_URL` | `--database-url` |');
    expect(readme).toContain('| `FLOTILLA_METRICS_PORT` | `--metrics-port` | `9100` |');
  });

  it('lists every verb of the CLI in both READMEs (pnpm docs:readme rewrites them)', async () => {
    const readme = await readFile(new URL('../../../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('| `tokens` |');
    const cliReadme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    expect(cliReadme, 'packages/cli/README.md verbs are stale: run pnpm docs:readme').toBe(renderCliReadmeBlocks(cliReadme));
    expect(cliReadme).toContain('flotilla rollouts pause ID [--reason TEXT]');
  });

  it('replaces only what is between the markers', () => {
    expect(replaceBlock('a\n<!-- x:start -->\nold\n<!-- x:end -->\nb', 'x', 'new')).toBe('a\n<!-- x:start -->\nnew\n<!-- x:end -->\nb');
    expect(() => replaceBlock('no markers', 'x', 'new')).toThrow(/no <!-- x:start -->/);
  });
});
