import { Injectable } from '@nestjs/common';
import { FlotillaError } from '@flotilla/core';
import { type FindOptionsWhere, In, LessThan } from 'typeorm';
import { decodeIdContinue, type Page, toPage } from '../common/page.js';
import { RolloutLocks } from './rollout-locks.js';
import { RolloutNotifier } from './rollout-notifier.js';
import { RolloutPlanner } from './rollout-planner.service.js';
import type { RolloutCluster } from './rollout-cluster.entity.js';
import { isUnsettled, type RolloutState } from './rollout-states.js';
import { RolloutStore } from './rollout-store.js';
import type { Rollout } from './rollout.entity.js';
import type { RolloutListQuery } from '@flotilla/api';

/** A rollout and its clusters. */
export interface RolloutWithClusters {
  rollout: Rollout;
  rows: RolloutCluster[];
}

/** Reading rollouts, and the operator's pause, resume and abort. */
@Injectable()
export class RolloutsService {
  constructor(
    private readonly store: RolloutStore,
    private readonly locks: RolloutLocks,
    private readonly notifier: RolloutNotifier,
    private readonly planner: RolloutPlanner,
  ) {}

  /** Rollouts newest first, filtered by app and state. */
  async list(query: RolloutListQuery): Promise<Page<RolloutWithClusters>> {
    const where: FindOptionsWhere<Rollout> = {};
    if (query.app) where.appName = query.app;
    if (query.state) where.state = query.state;
    const after = decodeIdContinue(query.continue);
    if (after !== undefined) where.id = LessThan(after);
    const page = toPage(await this.store.rollouts.find({ where, order: { id: 'DESC' }, take: query.limit + 1 }), query.limit, (r) => String(r.id));
    const rows = page.items.length > 0 ? await this.store.rows.find({ where: { rolloutId: In(page.items.map((r) => r.id)) } }) : [];
    return { ...page, items: page.items.map((rollout) => ({ rollout, rows: rows.filter((row) => row.rolloutId === rollout.id) })) };
  }

  /** One rollout with its clusters; NOT_FOUND when unknown. */
  async get(id: number): Promise<RolloutWithClusters> {
    const rollout = await this.store.rollouts.findOneBy({ id });
    if (!rollout) throw new FlotillaError('NOT_FOUND', `rollout ${id} not found`, { data: { rollout: id } });
    return { rollout, rows: await this.store.rows.find({ where: { rolloutId: id } }) };
  }

  /** Stops starting clusters; those under way finish. */
  pause(id: number, actor: string, reason?: string): Promise<RolloutWithClusters> {
    return this.change(id, actor, 'rollout.pause', ['progressing'], (rollout) => {
      rollout.state = 'paused';
      rollout.message = reason ?? `paused by ${actor}`;
    });
  }

  /** Starts clusters again; after a halt, the failed clusters are judged again from what their agents report now. */
  resume(id: number, actor: string, reason?: string): Promise<RolloutWithClusters> {
    return this.change(id, actor, 'rollout.resume', ['paused', 'halted'], (rollout, rows) => {
      if (rollout.state === 'halted') {
        for (const row of rows) {
          if (row.current && row.state === 'failed') Object.assign(row, { state: 'updating', healthySince: null, finishedAt: null, message: `judged again after resume by ${actor}` });
        }
      }
      rollout.state = 'progressing';
      rollout.message = reason ?? '';
      if (rows.some((row) => row.current && isUnsettled(row.state))) rollout.finishedAt = null;
    });
  }

  /** Stops the rollout for good: no cluster is started any more; clusters keep what they have. */
  abort(id: number, actor: string, reason?: string): Promise<RolloutWithClusters> {
    return this.change(id, actor, 'rollout.abort', ['progressing', 'paused', 'halted', 'rolling-back'], (rollout) => {
      rollout.state = 'aborted';
      rollout.message = reason ?? `aborted by ${actor}`;
    });
  }

  private async change(
    id: number,
    actor: string,
    action: string,
    from: readonly RolloutState[],
    apply: (rollout: Rollout, rows: RolloutCluster[]) => void,
  ): Promise<RolloutWithClusters> {
    const { rollout: found } = await this.get(id);
    return this.locks.run(found.appName, async () => {
      const now = new Date();
      const work = await this.store.load(found.appName);
      const rollout = await this.store.include(work, found);
      const before = rollout.state;
      const isOver = rollout.finishedAt !== null && rollout.state !== 'halted';
      if (!from.includes(rollout.state) || isOver) {
        throw new FlotillaError('FAILED_PRECONDITION', `rollout ${id} is ${rollout.finishedAt ? 'finished' : rollout.state}; ${action.split('.')[1]} needs it ${from.join(' or ')}`, {
          data: { rollout: id, state: rollout.state },
        });
      }
      const rows = work.rowsOf(rollout);
      const snapshot = rows.map((row) => row.state);
      apply(rollout, rows);
      rows.forEach((row, i) => row.state !== snapshot[i] && work.changedRows.add(row));
      work.touch(rollout, now);
      await this.store.save(work);
      await this.notifier.record(actor, action, rollout, { from: before, message: rollout.message });
      this.notifier.publish(rollout, rows);
      this.planner.request(rollout.appName);
      return { rollout, rows };
    });
  }
}
