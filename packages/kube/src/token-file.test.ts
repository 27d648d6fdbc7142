import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TokenFile } from './token-file.js';

const dir = mkdtempSync(join(tmpdir(), 'flotilla-token-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TokenFile', () => {
  it('reads the file again once the token is a minute old, not before', async () => {
    const path = join(dir, 'rotating');
    writeFileSync(path, 'first\n');
    let now = 0;
    const tokenFile = new TokenFile(path, 60_000, () => now);

    expect(await tokenFile.read()).toBe('first');
    writeFileSync(path, 'second\n');
    now = 59_999;
    expect(await tokenFile.read()).toBe('first');
    now = 60_000;
    expect(await tokenFile.read()).toBe('second');
  });

  it('keeps the last token when the file goes missing, and fails when it never could read one', async () => {
    const path = join(dir, 'vanishing');
    writeFileSync(path, 'kept');
    let now = 0;
    const tokenFile = new TokenFile(path, 1_000, () => now);
    expect(await tokenFile.read()).toBe('kept');

    rmSync(path);
    now = 5_000;

    expect(await tokenFile.read()).toBe('kept');
    await expect(Promise.resolve(new TokenFile(join(dir, 'never')).read())).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringContaining(`cannot read the bearer token file ${join(dir, 'never')}`),
    });
  });
});
