import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFreePorts, PORT_REGISTRY, reservePort } from './free-ports.js';

describe('findFreePorts', () => {
  it('gives distinct ports below the ephemeral range, each noted as this process\'s', async () => {
    const ports = await findFreePorts(5);
    expect(new Set(ports).size).toBe(5);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(32_768);
      expect(readFileSync(join(PORT_REGISTRY, String(port)), 'utf8')).toBe(String(process.pid));
    }
  });

  it('never gives a port another live process noted, and takes over the note of a dead one', () => {
    mkdirSync(PORT_REGISTRY, { recursive: true });
    // pid 1 lives as long as the machine; a pid above the kernel's maximum never does.
    const notes = ['20000', '20001'].map((port) => join(PORT_REGISTRY, port));
    try {
      writeFileSync(notes[0] as string, '1');
      writeFileSync(notes[1] as string, '4194305');
      expect(reservePort(20_000)).toBe(false);
      expect(reservePort(20_001)).toBe(true);
      expect(readFileSync(notes[1] as string, 'utf8')).toBe(String(process.pid));
      // A port this process noted already is not given twice.
      expect(reservePort(20_001)).toBe(false);
    } finally {
      for (const note of notes) rmSync(note, { force: true });
    }
  });
});
