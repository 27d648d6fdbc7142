/** Why an artifact could not be had: the stable codes a report carries (none says the revision itself is wrong). */
export type ArtifactErrorCode =
  /** The hub could not be reached, or the stream broke: retried. */
  | 'ARTIFACT_UNAVAILABLE'
  /** The hub has no artifact by that digest (yet, or any more): retried. */
  | 'ARTIFACT_NOT_FOUND'
  /** The hub refused the agent's credential or this cluster's access to the artifact. */
  | 'ARTIFACT_REFUSED'
  /** The assignment names no artifact: its hub does not render, and the agent fetches no Git. */
  | 'ARTIFACT_MISSING';

/** An artifact could not be fetched; `digest` names it. */
export class ArtifactError extends Error {
  constructor(
    readonly code: ArtifactErrorCode,
    message: string,
    readonly digest: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'ArtifactError';
  }
}
