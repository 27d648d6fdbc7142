#!/usr/bin/env node
import { readFile, writeFile } from 'node:fs/promises';
import { renderCliReadmeBlocks, renderReadmeBlocks } from '../docs/readme-blocks.js';

// `pnpm docs:readme`: rewrites the generated blocks of the READMEs: the CLI's verbs (from its commands) and the
// configuration tables (from the hub's and agent's schemas).
const readmes = [
  { path: new URL('../../../../README.md', import.meta.url), name: 'README.md', render: renderReadmeBlocks },
  { path: new URL('../../README.md', import.meta.url), name: 'packages/cli/README.md', render: renderCliReadmeBlocks },
];
for (const readme of readmes) {
  const before = await readFile(readme.path, 'utf8');
  const after = readme.render(before);
  await writeFile(readme.path, after);
  console.log(before === after ? `${readme.name} is up to date` : `${readme.name}: generated blocks updated`);
}
