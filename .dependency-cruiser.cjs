// dependency-cruiser: the folder layering that `pnpm lint` proves (CONVENTIONS.md, "Folders import one way").
// Run alone with `pnpm lint:cycles`; test/lint/folder-cycles.test.ts proves it fires.
//
// A folder is any folder under a program's or package's src (hub/src/apps, agent/src/reconciler,
// packages/cli/src/commands, hub/src/database/migrations). dependency-cruiser gives each folder the imports of
// every file below it and points each arrow at the folder the imported file sits in: nested folders a/x and a/y
// are two folders, and a/y → b → a/x is no cycle to it (today only database/migrations is nested).
// Files at a src root (index.ts, main.ts, app.module.ts, start-hub.ts) belong to the src folder itself: it may
// import its subfolders and be imported by them, since an import of a src-root file from a subfolder points at
// `<pkg>/src`, whose own arrows only leave the package.
// A package is its src folder: workspace packages are imported through their entry (`@flotilla/core` resolves to
// packages/core/src/index.ts by the "source" condition), so a cycle between two packages is a cycle between two
// src folders.
// Tests are left out: they are no part of a program's design (the build leaves them out too), a test may import
// across folders to set things up, and testing/ harnesses import the whole program by purpose.

const src = '^(hub|agent|packages/[^/]+)/src';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment: 'A folder never imports a folder that imports it: move what both need into a leaf folder, or pass it in.',
      scope: 'folder',
      from: { path: `${src}/.+` },
      to: { circular: true, path: `${src}/.+` },
    },
    {
      name: 'no-package-cycle',
      severity: 'error',
      comment: 'Workspace packages import one way.',
      scope: 'folder',
      from: { path: `${src}$` },
      to: { circular: true, path: `${src}$` },
    },
  ],
  options: {
    includeOnly: `${src}/`,
    exclude: { path: '\\.test\\.ts$|/testing/|/test-support/' },
    doNotFollow: { path: 'node_modules' },
    // A type-only import ties two folders as much as any other: shared types belong in a leaf folder.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['source', 'import', 'node', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.json'],
    },
  },
};
