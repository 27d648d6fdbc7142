import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources (the "source" export condition),
// so tests never run against stale builds. swc supplies the decorator metadata Nest needs.
const shared = {
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: { conditions: ['source', 'module', 'node', 'development|production'] },
  ssr: { resolve: { conditions: ['source', 'module', 'node', 'development|production'] } },
};

export default defineConfig({
  test: {
    projects: [
      {
        ...shared,
        test: {
          name: 'unit',
          // Fast pure tests run first; the integration project (different worker limits) runs after them.
          sequence: { groupOrder: 0 },
          include: ['{packages,hub,agent}/**/src/**/*.test.ts', 'test/bench/**/*.test.ts', 'test/lint/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**', '**/dist/**'],
        },
      },
      {
        ...shared,
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          globalSetup: ['test/global-setup.ts'],
          include: ['{packages,hub,agent}/**/src/**/*.int.test.ts', 'test/e2e/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**'],
          // Each file starts its own control planes; two cores fit two at a time.
          maxWorkers: 2,
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Conditions now wait on a render on the hub (~0.5-1 s, more on a loaded machine): 1 s (the default) is too short.
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});
