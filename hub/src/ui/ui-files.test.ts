import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadUiFiles } from './ui-files.js';

describe('loadUiFiles', () => {
  const dirs: string[] = [];
  const dir = (): string => {
    const made = mkdtempSync(join(tmpdir(), 'flotilla-ui-'));
    dirs.push(made);
    return made;
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('serves nothing when the UI was not built (no index.html) or the package is missing', () => {
    expect(loadUiFiles(dir()).size).toBe(0);
    expect(loadUiFiles(undefined).size).toBe(0);
  });

  it('serves index.html at / revalidated, and hashed assets immutable with their content type', () => {
    const built = dir();
    mkdirSync(join(built, 'assets'));
    writeFileSync(join(built, 'index.html'), '<!doctype html>');
    writeFileSync(join(built, 'assets', 'index-abc123.js'), 'export {}');
    const files = loadUiFiles(built);
    expect([...files.keys()].sort()).toEqual(['/', '/assets/index-abc123.js', '/index.html']);
    expect(files.get('/')).toMatchObject({ contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' });
    expect(files.get('/assets/index-abc123.js')).toMatchObject({ contentType: 'text/javascript; charset=utf-8', cacheControl: 'public, max-age=31536000, immutable' });
  });
});
