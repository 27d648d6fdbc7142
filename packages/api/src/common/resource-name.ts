import { z } from 'zod';

/** Names of clusters, sources, apps and tokens: DNS labels, as Kubernetes names them. */
export const resourceName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label: lowercase letters, digits and "-", starting and ending with a letter or digit');
