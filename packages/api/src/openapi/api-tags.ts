/** The tags operations are grouped by, with what each covers, in the order a reader meets them. */
export const API_TAGS = [
  { name: 'clusters', description: 'Clusters of the fleet, their labels, and the identity of their agents' },
  { name: 'sources', description: 'Git repositories and refs the hub tracks' },
  { name: 'apps', description: 'What to deploy, from which source, to which clusters, and how' },
  { name: 'status', description: 'What each cluster runs of each app, and what it ran before' },
  { name: 'rollouts', description: 'Apps moving to a revision wave by wave; rollbacks and pins' },
  { name: 'drift', description: 'What differs from Git in the fleet right now' },
  { name: 'audit', description: 'Every operation on the fleet: who did what to which target' },
  { name: 'events', description: 'The live feed for browsers: Server-Sent Events, resumable by cursor' },
  { name: 'tokens', description: 'REST API tokens and their roles' },
  { name: 'webhooks', description: 'Push events from Git hosts, signed with the source’s webhook secret' },
  { name: 'health', description: 'Probes, outside /api/v1 and open without a token' },
] as const;
