import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, IsNull, Not, Repository } from 'typeorm';
import { upsertRows } from '../database/upsert-rows.js';
import { AppRollouts } from './app-rollouts.js';
import { Pin } from './pin.entity.js';
import { RolloutLocks } from './rollout-locks.js';
import { RolloutCluster } from './rollout-cluster.entity.js';
import { Rollout } from './rollout.entity.js';

/** Finished rollouts kept per app (with their clusters); older ones are deleted unless one still decides a cluster's commit. */
export const ROLLOUTS_KEPT = 100;

/** Loads one app's rollouts as an AppRollouts, and writes what a change did to it in one transaction. */
@Injectable()
export class RolloutStore {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Rollout) readonly rollouts: Repository<Rollout>,
    @InjectRepository(RolloutCluster) readonly rows: Repository<RolloutCluster>,
    @InjectRepository(Pin) readonly pins: Repository<Pin>,
    private readonly locks: RolloutLocks,
  ) {}

  /** The app's open rollouts with all their rows, the rows that decide each cluster's commit, and the app's pins. */
  async load(app: string): Promise<AppRollouts> {
    const [open, current, pins] = await Promise.all([
      this.rollouts.find({ where: { appName: app, finishedAt: IsNull() }, order: { id: 'ASC' } }),
      this.rows.find({ where: { appName: app, current: true } }),
      this.pins.find({ where: { appName: app } }),
    ]);
    const openIds = new Set(open.map((r) => r.id));
    const ownerIds = [...new Set(current.map((row) => row.rolloutId))].filter((id) => !openIds.has(id));
    const [owners, openRows] = await Promise.all([
      ownerIds.length > 0 ? this.rollouts.find({ where: { id: In(ownerIds) } }) : Promise.resolve([]),
      openIds.size > 0 ? this.rows.find({ where: { rolloutId: In([...openIds]) } }) : Promise.resolve([]),
    ]);
    return new AppRollouts(app, [...open, ...owners], [...current, ...openRows], new Map(pins.map((pin) => [pin.clusterName, pin])));
  }

  /**
   * Some clusters of an app: the rows that decide their commits, with the rollouts that own them (only those rows
   * loaded), and their pins. Far less than `load` in a large fleet, for a change that concerns these clusters only.
   */
  async loadClusters(app: string, clusters: readonly string[]): Promise<AppRollouts> {
    const [current, pins] = await Promise.all([
      this.rows.find({ where: { appName: app, current: true, clusterName: In([...clusters]) } }),
      this.pins.find({ where: { appName: app, clusterName: In([...clusters]) } }),
    ]);
    const ownerIds = [...new Set(current.map((row) => row.rolloutId))];
    const owners = ownerIds.length > 0 ? await this.rollouts.find({ where: { id: In(ownerIds) } }) : [];
    return new AppRollouts(app, owners, current, new Map(pins.map((pin) => [pin.clusterName, pin])));
  }

  /** Loads a rollout and all its rows into a unit of work (a no-op when it is loaded with its rows already). */
  async include(work: AppRollouts, rollout: Rollout): Promise<Rollout> {
    const known = work.byIdOf(rollout.id) ?? rollout;
    work.adopt(known, await this.rows.find({ where: { rolloutId: rollout.id } }));
    return known;
  }

  /** The app's newest rollout of a kind. */
  /** Apps with a rollout not finished. */
  async appsWithOpenRollouts(): Promise<string[]> {
    const rows = await this.rollouts.createQueryBuilder('r').select('DISTINCT r.appName', 'appName').where('r.finishedAt IS NULL').getRawMany<{ appName: string }>();
    return rows.map((row) => row.appName);
  }

  latest(app: string, kind: Rollout['kind']): Promise<Rollout | null> {
    return this.rollouts.findOne({ where: { appName: app, kind }, order: { id: 'DESC' } });
  }

  /** Apps with an open rollout in a state that moves by itself (progressing, rolling back) not changed since `before`. */
  async staleOpenApps(before: Date): Promise<string[]> {
    const rows = await this.rollouts
      .createQueryBuilder('rollout')
      .select('DISTINCT rollout.appName', 'app')
      .where('rollout.finishedAt IS NULL')
      .andWhere('rollout.state IN (:...states)', { states: ['progressing', 'rolling-back'] })
      .andWhere('rollout.updatedAt < :before', { before: before.getTime() })
      .getRawMany<{ app: string }>();
    return rows.map((row) => row.app);
  }

  /**
   * Writes every change of a unit of work at once: new rollouts (which get their ids), rows, rollouts, pins. Called
   * under the app's RolloutLocks, whose lease (replicas) it checks in the same transaction.
   */
  async save(work: AppRollouts): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.locks.fence(manager, work.app);
      // Rollouts this change finished first: a new rollout may be to the commit of one it supersedes, and an app has at
      // most one open update rollout per commit (a unique index).
      const rollouts = [...work.changedRollouts].filter((r) => !work.created.includes(r));
      if (rollouts.length > 0) await manager.save(Rollout, rollouts);
      for (const rollout of work.created) {
        await manager.save(Rollout, rollout);
        for (const row of work.rowsOf(rollout)) row.rolloutId = rollout.id;
        for (const pin of work.savedPins) if (pin.rolloutId === 0) pin.rolloutId = rollout.id;
      }
      await upsertRows(manager, RolloutCluster, [...work.changedRows], ['rolloutId', 'clusterName']);
      if (work.deletedPins.length > 0) await manager.delete(Pin, { appName: work.app, clusterName: In(work.deletedPins) });
      if (work.savedPins.length > 0) await manager.save(Pin, work.savedPins);
    });
  }

  /** Deletes an app's finished rollouts beyond the newest `keep`, except those that still decide a cluster's commit. */
  async prune(app: string, keep = ROLLOUTS_KEPT): Promise<number> {
    const old = await this.rollouts.find({ where: { appName: app, finishedAt: Not(IsNull()) }, order: { id: 'DESC' }, skip: keep, select: { id: true } });
    if (old.length === 0) return 0;
    const owning = await this.rows.find({ where: { rolloutId: In(old.map((r) => r.id)), current: true }, select: { rolloutId: true } });
    const kept = new Set(owning.map((row) => row.rolloutId));
    const ids = old.map((r) => r.id).filter((id) => !kept.has(id));
    if (ids.length === 0) return 0;
    await this.dataSource.transaction(async (manager) => {
      await manager.delete(RolloutCluster, { rolloutId: In(ids) });
      await manager.delete(Rollout, { id: In(ids) });
    });
    return ids.length;
  }

  /** Forgets everything about a removed app. */
  async forgetApp(app: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.delete(RolloutCluster, { appName: app });
      await manager.delete(Rollout, { appName: app });
      await manager.delete(Pin, { appName: app });
    });
  }

  /** Forgets the pins of a removed cluster (its rows leave their rollouts when the apps are planned again). */
  async forgetCluster(cluster: string): Promise<void> {
    await this.pins.delete({ clusterName: cluster });
  }
}
