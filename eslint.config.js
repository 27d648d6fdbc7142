import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Modules that do I/O or carry a framework: packages/core must stay pure data-in, data-out.
const ioModules = [
  '@nestjs/*', '@grpc/*', '@kubernetes/*', 'isomorphic-git', 'isomorphic-git/*', 'typeorm', 'pg', 'better-sqlite3',
  'node:fs', 'node:fs/*', 'fs', 'fs/*', 'node:net', 'net', 'node:http', 'http', 'node:https', 'https',
  'node:child_process', 'child_process', 'node:os', 'os', 'node:dgram', 'dgram', 'node:tls', 'tls',
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'packages/proto/src/gen/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-console': 'off',
    },
  },
  {
    // Nest resolves constructor parameters from emitted metadata, which type-only imports erase.
    files: ['hub/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    files: ['packages/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ioModules, message: 'packages/core is pure: no I/O, frameworks or clients. Pass data in.' }],
      }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'packages/core reads no environment: take an options object.' }],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'packages/core does no I/O.' }],
    },
  },
  {
    // The REST contract runs in Node and in browsers: zod, the two modules of @flotilla/core that use no Node module
    // (its index also loads node:crypto and node:util, which a browser bundle only stubs), and web APIs (fetch).
    files: ['packages/api/src/**/*.ts'],
    ignores: ['packages/api/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '^(?!(zod|@flotilla/core/flotilla-error|@flotilla/core/label-selector|\\.{1,2}/.*)$)', message: 'packages/api depends on zod and @flotilla/core/flotilla-error and /label-selector only, and no Node module: browsers use it too.' }],
      }],
      'no-restricted-globals': ['error', { name: 'process', message: 'packages/api runs in browsers too.' }, { name: 'Buffer', message: 'packages/api runs in browsers too.' }],
    },
  },
  {
    // The web UI runs in browsers.
    files: ['packages/ui/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
