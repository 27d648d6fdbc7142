import type { MigrationInterface } from 'typeorm';
import { Initial1764100000000 } from './1764100000000-initial.js';
import { Rollouts1764200000000 } from './1764200000000-rollouts.js';

/** Every schema migration, oldest first. The schema is made by these, never by `synchronize`. */
export const migrations: Array<new () => MigrationInterface> = [Initial1764100000000, Rollouts1764200000000];
