/** Roles of API tokens, from least to most allowed. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;

/**
 * What a token may do: `viewer` reads; `operator` also runs fleet operations (refreshes, rollouts, rollbacks, pause,
 * pins); `admin` does everything, including clusters, sources, apps and tokens.
 */
export type Role = (typeof ROLES)[number];
