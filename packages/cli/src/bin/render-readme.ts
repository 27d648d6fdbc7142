#!/usr/bin/env node
import { readFile, writeFile } from 'node:fs/promises';
import { renderReadmeBlocks } from '../docs/readme-blocks.js';

// `pnpm docs:readme`: rewrites the README's generated configuration tables from the hub's and agent's schemas.
const path = new URL('../../../../README.md', import.meta.url);
const before = await readFile(path, 'utf8');
const after = renderReadmeBlocks(before);
await writeFile(path, after);
console.log(before === after ? 'README.md is up to date' : 'README.md: configuration tables updated');
