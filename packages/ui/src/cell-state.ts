import type { AppClusterStatusEvent } from '@flotilla/api';

/** How a cell of the matrix reads: a tone (colour), an icon and words, so colour is never the only signal. */
export interface CellState {
  tone: 'ok' | 'busy' | 'bad' | 'warn' | 'none';
  icon: string;
  sync: string;
  health: string;
  drift: number;
}

const PHASES: Record<string, { label: string; icon: string; tone: CellState['tone'] }> = {
  PHASE_SYNCED: { label: 'Synced', icon: '✓', tone: 'ok' },
  PHASE_PENDING: { label: 'Pending', icon: '…', tone: 'busy' },
  PHASE_FETCHING: { label: 'Fetching', icon: '↓', tone: 'busy' },
  PHASE_APPLYING: { label: 'Applying', icon: '⟳', tone: 'busy' },
  PHASE_FAILED: { label: 'Failed', icon: '✗', tone: 'bad' },
  PHASE_ROLLED_BACK: { label: 'Rolled back', icon: '↶', tone: 'warn' },
};

const HEALTHS: Record<string, string> = {
  HEALTH_HEALTHY: 'Healthy',
  HEALTH_PROGRESSING: 'Progressing',
  HEALTH_DEGRADED: 'Degraded',
  HEALTH_UNKNOWN: 'Unknown',
};

/** The reading of one app on one cluster; a newer desired generation than applied reads as out of sync. */
export function cellState(status: AppClusterStatusEvent | undefined): CellState {
  if (!status) return { tone: 'none', icon: '', sync: '—', health: '', drift: 0 };
  const outOfSync = (status.desiredGeneration ?? 0) > (status.appliedGeneration ?? 0);
  const phase = outOfSync ? { label: 'OutOfSync', icon: '⟳', tone: 'busy' as const } : (PHASES[status.phase ?? ''] ?? { label: 'Unknown', icon: '?', tone: 'none' as const });
  const health = HEALTHS[status.health ?? ''] ?? '';
  const drift = status.driftedObjects ?? 0;
  const tone = phase.tone === 'ok' && (drift > 0 || status.health === 'HEALTH_DEGRADED') ? 'warn' : phase.tone;
  return { tone, icon: phase.icon, sync: phase.label, health, drift };
}
