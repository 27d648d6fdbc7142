import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';

/** A built file of the UI, ready to send. */
export interface UiFile {
  body: Buffer;
  contentType: string;
  /** Hashed assets never change under their name; index.html is checked on every load. */
  cacheControl: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Where @flotilla/ui builds to (packages/ui/dist), found through the package, not a path of this checkout; undefined
 * when the package is not installed (the hub then serves the page saying how to build the UI).
 */
export function uiDistDir(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@flotilla/ui/package.json')), 'dist');
  } catch {
    return undefined;
  }
}

/**
 * The UI's built files by URL path (`/`, `/assets/index-3f2a.js`), read once; empty when the UI was not built.
 * Only these paths are ever served, so no request can reach another file.
 */
export function loadUiFiles(dir: string | undefined): Map<string, UiFile> {
  const files = new Map<string, UiFile>();
  if (dir === undefined || !existsSync(join(dir, 'index.html'))) return files;
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const urlPath = `/${relative(dir, path).split(sep).join('/')}`;
        const hashed = urlPath.startsWith('/assets/');
        files.set(urlPath, {
          body: readFileSync(path),
          contentType: CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
          cacheControl: hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
        });
      }
    }
  };
  walk(dir);
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  return files;
}

/** The page served at / when the UI was not built. */
export const UI_NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Flotilla hub</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The Flotilla web UI is not built</h1>
<p>The hub is running and its API answers at <a href="api/docs">api/docs</a>, but the UI's files were not found.
Build them with <code>pnpm build</code> (or <code>pnpm --filter @flotilla/ui build</code>) and restart the hub.</p>
</body></html>
`;
