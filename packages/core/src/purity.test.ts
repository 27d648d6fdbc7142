import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The lint rule is the guard that keeps this package pure; prove it fires.
const root = fileURLToPath(new URL('../../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function lintAsCore(code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/packages/core/src/example.ts` });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('packages/core purity rule', () => {
  it.each([
    `import { readFileSync } from 'node:fs'; export const x = readFileSync;`,
    `import * as net from 'net'; export const x = net;`,
    `import { Injectable } from '@nestjs/common'; export const x = Injectable;`,
    `import * as grpc from '@grpc/grpc-js'; export const x = grpc;`,
    `import { KubeConfig } from '@kubernetes/client-node'; export const x = KubeConfig;`,
    `import git from 'isomorphic-git'; export const x = git;`,
  ])('refuses an I/O import: %s', async (code) => {
    expect(await lintAsCore(code)).toContain('no-restricted-imports');
  });

  it('refuses reading the environment', async () => {
    expect(await lintAsCore(`export const level = process.env.LEVEL;`)).toContain('no-restricted-properties');
  });

  it('accepts plain code', async () => {
    expect(await lintAsCore(`export const double = (n: number): number => n * 2;`)).toEqual([]);
  });
});
