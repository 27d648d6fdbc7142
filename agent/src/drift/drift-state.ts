import { isJsonEqual, stripBookkeeping, type IgnoredFields, type KubeObject, type ObjectRef } from '@flotilla/core';
import type { CorrectionStreak } from './correction-streak.js';
import type { DriftPolicy } from './drift-policy.js';
import type { DriftedObject } from '../assignment/drift-report.js';

/** What the monitor knows of one App. */
export interface AppState {
  app: string;
  generation: number;
  revision: string;
  /** Every object of the generation was applied (none failed). */
  isComplete: boolean;
  /** A reconcile is writing the App's objects. */
  isHeld: boolean;
  policy: DriftPolicy;
  keys: Set<string>;
  timer?: NodeJS.Timeout;
  checking: Promise<void>;
}

/** One managed object. */
export interface Tracked {
  key: string;
  app: string;
  ref: ObjectRef;
  id: string;
  desired: KubeObject;
  /** The watched collection it lives in; undefined when its kind is not served. */
  collection: string | undefined;
  ignored: IgnoredFields;
  /** The live object as the watch last told (undefined: absent); meaningful once `isSeen`. */
  live?: KubeObject;
  isSeen: boolean;
  /** The content of the live object last compared (contentOf): an event that changes nothing compared is not compared again. */
  compared?: KubeObject | null;
  /**
   * The resourceVersion of the apply's answer, when track() took that answer as `compared`: the full comparison after
   * the apply leaves this object to the watch's events (read once, by that comparison).
   */
  appliedVersion?: string;
  /**
   * The resourceVersions the watch showed since the App was held (the one it showed then included): whether the watch
   * is behind the apply's answer or past it.
   */
  versionsSeen?: Set<string>;
  drift?: DriftedObject;
  streak: CorrectionStreak;
  correction?: NodeJS.Timeout;
  /** The correction's delay is over: it runs next, in turn with the comparisons (never while one is in flight). */
  isCorrectionDue: boolean;
  running?: Promise<void>;
  again: boolean;
  force: boolean;
  /** An event came while the App was held. */
  isDeferred: boolean;
}

/** The content of a live object, bookkeeping and status aside; `null` when it is absent. */
export const contentOf = (live: KubeObject | undefined): KubeObject | null => (live ? stripBookkeeping(live) : null);

/**
 * Whether the live object shows the content last compared: then an event needs no new comparison. Compared as JSON
 * values (member order aside: an apply's answer starts with kind, a list item with the apiVersion and kind added to it).
 */
export const isAsCompared = (tracked: Pick<Tracked, 'live' | 'compared'>): boolean => tracked.compared !== undefined && isJsonEqual(contentOf(tracked.live), tracked.compared);
