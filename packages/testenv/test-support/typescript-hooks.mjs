// Lets a plain `node --import <this file>` child process run the project's TypeScript sources, as vitest does, for
// tests that need a separate Node process (one they can SIGKILL) and for the benchmarks. swc is the transpiler vitest
// already uses here; types are stripped, not checked, and legacy decorators get the metadata NestJS needs.
import { existsSync, readFileSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

// Imported with --import this registers itself; Node then loads it again on its hooks thread, where it only hooks.
if (isMainThread) register(import.meta.url);

/** Maps the `.js` suffix of a relative import to the `.ts` source when no `.js` file exists (nodenext style). */
export async function resolve(specifier, context, nextResolve) {
  if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.startsWith('file:')) {
    const tsUrl = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    if (!existsSync(new URL(specifier, context.parentURL)) && existsSync(tsUrl)) {
      return { url: tsUrl.href, format: 'module', shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

/** Transpiles `.ts` files to ES modules with legacy decorators and their metadata. */
export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const { transformSync } = await import('@swc/core');
  const path = fileURLToPath(url);
  const { code } = transformSync(readFileSync(path, 'utf8'), {
    filename: path,
    jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022', transform: { legacyDecorator: true, decoratorMetadata: true } },
    module: { type: 'es6' },
  });
  return { format: 'module', source: code, shortCircuit: true };
}
