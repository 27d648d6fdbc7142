import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

describe('generated code', () => {
  const out = mkdtempSync(join(tmpdir(), 'flotilla-proto-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('matches what regenerating from proto/ produces (run `pnpm proto:generate` and commit)', () => {
    execFileSync(join(packageDir, 'node_modules/.bin/buf'), ['generate', '../../proto', '--template', 'buf.gen.yaml', '--output', out], {
      cwd: packageDir,
      stdio: 'pipe',
    });
    const committedDir = join(packageDir, 'src/gen');
    const freshDir = join(out, 'src/gen');
    const committed = listFiles(committedDir).map((f) => relative(committedDir, f)).sort();
    const fresh = listFiles(freshDir).map((f) => relative(freshDir, f)).sort();
    expect(committed).toEqual(fresh);
    for (const file of fresh) {
      expect(readFileSync(join(committedDir, file), 'utf8'), file).toBe(readFileSync(join(freshDir, file), 'utf8'));
    }
  });

  it('has a descriptor set matching what `buf build` compiles from proto/ (run `pnpm proto:generate` and commit)', () => {
    const fresh = join(out, 'flotilla-v1.binpb');
    execFileSync(join(packageDir, 'node_modules/.bin/buf'), ['build', '../../proto', '--as-file-descriptor-set', '-o', fresh], { cwd: packageDir, stdio: 'pipe' });
    expect(readFileSync(join(packageDir, 'descriptors/flotilla-v1.binpb')).equals(readFileSync(fresh))).toBe(true);
  });

  it('passes buf lint', () => {
    execFileSync(join(packageDir, 'node_modules/.bin/buf'), ['lint', '../../proto'], { cwd: packageDir, stdio: 'pipe' });
  });
});
