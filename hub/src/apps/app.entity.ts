import { Column, Entity, PrimaryColumn } from 'typeorm';
import { jsonColumn, timestampColumn } from '../database/columns.js';
import type { AppPolicy, PolicyOverride } from './app-policy.js';
import type { LabelSelector } from '@flotilla/core';

/** Render options of an App. */
export interface AppRenderOptions {
  /** Lets a Kustomize path use remote bases (fetched by kustomize itself, from outside the Source). */
  allowRemoteBases: boolean;
}

/** A path inside a Source, the clusters it targets, its variables and policies. */
@Entity({ name: 'apps' })
export class App {
  @PrimaryColumn({ type: 'varchar', length: 63 })
  name!: string;

  @Column({ type: 'varchar', length: 63 })
  sourceName!: string;

  /** Directory inside the repository ("" for the root). */
  @Column({ type: 'varchar', length: 1024 })
  path!: string;

  /** Clusters whose labels match are targets. Null selects none (only `targetClusters`). */
  @Column(jsonColumn({ nullable: true }))
  targetSelector!: LabelSelector | null;

  /** Clusters targeted by name, in addition to the selector. */
  @Column(jsonColumn())
  targetClusters!: string[];

  /** Values for `${name}` substitution. */
  @Column(jsonColumn())
  variables!: Record<string, string>;

  /** Namespace for namespaced objects that have none. */
  @Column({ type: 'varchar', length: 63 })
  defaultNamespace!: string;

  @Column(jsonColumn())
  policy!: AppPolicy;

  /** Per-cluster changes of the policy, by cluster name. */
  @Column(jsonColumn())
  policyOverrides!: Record<string, PolicyOverride>;

  /** How the App's path is rendered; null takes the defaults (remote Kustomize bases refused). */
  @Column(jsonColumn({ nullable: true }))
  render!: AppRenderOptions | null;

  @Column(timestampColumn())
  createdAt!: Date;

  @Column(timestampColumn())
  updatedAt!: Date;
}
