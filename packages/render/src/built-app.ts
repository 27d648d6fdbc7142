import { type ArtifactSource, type KubeObject } from '@flotilla/core';

/** Which tool turns an App's path into objects. */
export type RendererName = 'plain' | 'kustomize';

/**
 * One piece of a built App. An `object` has nothing to substitute (no `${` in its text, or substitution disabled) and
 * goes into every cluster's artifact as is; a `template` is one YAML document holding `${...}`, parsed per cluster
 * after substitution (it may hold a List, hence several objects).
 */
export type BuiltObject =
  | { kind: 'object'; object: KubeObject; source: ArtifactSource }
  | {
      kind: 'template';
      text: string;
      source: ArtifactSource;
      documentIndex: number;
      /** The document parsed as written, for clusters whose variables it names none of (a dashboard's `${datasource}`). */
      unsubstituted?: Array<{ object: KubeObject; source: ArtifactSource }>;
    };

/** An App's path of one commit, built but not yet substituted: shared by every cluster with the same inputs. */
export interface BuiltApp {
  renderer: RendererName;
  /** The App's path, normalized ("" for the root), for messages. */
  appPath: string;
  /** In the order the tool gave them: file order for plain manifests, kustomize's output order. */
  objects: BuiltObject[];
}
