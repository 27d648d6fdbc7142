/** Phases of an App on a cluster, as the REST API writes them. */
export const APP_PHASES = ['Pending', 'Fetching', 'Applying', 'Synced', 'Failed', 'RolledBack', 'Unknown'] as const;

/** Health of an App on a cluster, as the REST API writes it. */
export const APP_HEALTHS = ['Healthy', 'Progressing', 'Degraded', 'Unknown'] as const;
