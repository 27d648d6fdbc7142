/** Corrections of one object that followed each other closely: the evidence of a fight with another controller. */
export interface CorrectionStreak {
  corrections: number;
  /** When the last correction was made (ms since the epoch). */
  lastCorrectedAt?: number;
  /** The agent gave up correcting this object. */
  isFighting: boolean;
}

/** The backoff settings of an App. */
export interface CorrectionSettings {
  correctionBaseDelayMs: number;
  correctionBackoffMaxMs: number;
  maxCorrections: number;
}

/** What to do about an object that drifted: correct it after a delay, or stop and report a fight. */
export type CorrectionDecision = { kind: 'correct'; delayMs: number } | { kind: 'fight' };

/** A streak with nothing in it. */
export function newStreak(): CorrectionStreak {
  return { corrections: 0, isFighting: false };
}

/**
 * Decides about an object that drifted at `now`. Drift that comes back within the backoff maximum of the last
 * correction continues the streak, and each further correction waits twice as long (the first is immediate), up to the
 * maximum; once `maxCorrections` corrections have not held, correcting stops and the fight is reported. Drift that comes
 * back later than that starts a new streak.
 */
export function decideCorrection(streak: CorrectionStreak, now: number, settings: CorrectionSettings): CorrectionDecision {
  if (streak.isFighting) return { kind: 'fight' };
  if (streak.lastCorrectedAt !== undefined && now - streak.lastCorrectedAt > settings.correctionBackoffMaxMs) {
    streak.corrections = 0;
    streak.lastCorrectedAt = undefined;
  }
  if (streak.corrections >= settings.maxCorrections) {
    streak.isFighting = true;
    return { kind: 'fight' };
  }
  if (streak.corrections === 0) return { kind: 'correct', delayMs: 0 };
  const delayMs = Math.min(settings.correctionBaseDelayMs * 2 ** (streak.corrections - 1), settings.correctionBackoffMaxMs);
  const since = now - (streak.lastCorrectedAt ?? now);
  return { kind: 'correct', delayMs: Math.max(0, delayMs - since) };
}

/** Records a correction made at `now`. */
export function recordCorrection(streak: CorrectionStreak, now: number): void {
  streak.corrections += 1;
  streak.lastCorrectedAt = now;
}
