import type { MigrationInterface } from 'typeorm';
import { Initial1764100000000 } from './1764100000000-initial.js';
import { Drift1764150000000 } from './1764150000000-drift.js';
import { Security1764200000000 } from './1764200000000-security.js';
import { Rollouts1764300000000 } from './1764300000000-rollouts.js';
import { Artifacts1764400000000 } from './1764400000000-artifacts.js';
import { Replicas1764500000000 } from './1764500000000-replicas.js';

/** Every schema migration, oldest first. The schema is made by these, never by `synchronize`. */
export const migrations: Array<new () => MigrationInterface> = [Initial1764100000000, Drift1764150000000, Security1764200000000, Rollouts1764300000000, Artifacts1764400000000, Replicas1764500000000];
