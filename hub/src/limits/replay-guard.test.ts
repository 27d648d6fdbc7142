import { describe, expect, it } from 'vitest';
import { ReplayGuard } from './replay-guard.js';

describe('ReplayGuard', () => {
  it('refuses a key seen within the window and accepts it after', () => {
    let now = 0;
    const guard = new ReplayGuard({ windowMs: 1000, now: () => now });
    expect(guard.remember(['id:1', 'body:a'])).toBeUndefined();
    expect(guard.remember(['id:2', 'body:a'])).toBe('body:a');
    expect(guard.remember(['id:2', 'body:b'])).toBeUndefined();
    now = 1000;
    expect(guard.remember(['id:1', 'body:a'])).toBeUndefined();
  });

  it('forgets keys on request and keeps at most maxKeys', () => {
    const guard = new ReplayGuard({ windowMs: 60_000, maxKeys: 3 });
    guard.remember(['a']);
    guard.forget(['a']);
    expect(guard.remember(['a'])).toBeUndefined();
    for (let i = 0; i < 10; i++) guard.remember([`k${i}`]);
    expect((guard as unknown as { seen: Map<string, number> }).seen.size).toBe(3);
  });
});
