import { describe, expect, it } from 'vitest';
import { decideCorrection, newStreak, recordCorrection } from './correction-streak.js';

const settings = { correctionBaseDelayMs: 250, correctionBackoffMaxMs: 10_000, maxCorrections: 3 };

describe('correction streaks', () => {
  it('corrects at once, then backs off exponentially, and reports a fight after maxCorrections that did not hold', () => {
    const streak = newStreak();
    let now = 1_000_000;
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      const decision = decideCorrection(streak, now, settings);
      expect(decision.kind).toBe('correct');
      delays.push(decision.kind === 'correct' ? decision.delayMs : -1);
      now += decision.kind === 'correct' ? decision.delayMs : 0;
      recordCorrection(streak, now);
      now += 10; // the other controller reverts it 10 ms later
    }
    expect(delays).toEqual([0, 240, 490]);
    expect(decideCorrection(streak, now, settings)).toEqual({ kind: 'fight' });
    expect(streak.isFighting).toBe(true);
    expect(decideCorrection(streak, now + 60_000, settings)).toEqual({ kind: 'fight' });
  });

  it('starts a new streak when a correction held longer than the backoff maximum', () => {
    const streak = newStreak();
    recordCorrection(streak, 0);
    recordCorrection(streak, 100);
    expect(decideCorrection(streak, 200, settings)).toEqual({ kind: 'correct', delayMs: 400 });
    expect(decideCorrection(streak, 100 + 10_001, settings)).toEqual({ kind: 'correct', delayMs: 0 });
    expect(streak.corrections).toBe(0);
  });

  it('never waits longer than the backoff maximum', () => {
    const streak = { corrections: 10, lastCorrectedAt: 0, isFighting: false };
    expect(decideCorrection(streak, 0, { ...settings, maxCorrections: 100 })).toEqual({ kind: 'correct', delayMs: 10_000 });
  });
});
