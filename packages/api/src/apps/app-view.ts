import { z } from 'zod';
import { labelSelectorSchema } from '../common/label-selector-schema.js';
import { pageSchemaOf } from '../common/page-schema.js';
import { timestampSchema } from '../common/timestamp-schema.js';
import { rolloutStrategyViewSchema } from '../rollouts/rollout-strategy-view.js';

const driftIgnoreRuleView = z.object({
  kind: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  jsonPointers: z.array(z.string()).optional().describe('ignored fields; none ignores the whole object'),
});

const driftPolicyView = z.object({
  mode: z.enum(['report', 'correct', 'off']),
  ignore: z.array(driftIgnoreRuleView),
  checkIntervalSeconds: z.number().int().describe('0 uses the agent default'),
  maxCorrections: z.number().int().optional().describe('0 uses the agent default (5)'),
  correctionBackoffMaxSeconds: z.number().int().optional().describe('0 uses the agent default (300)'),
});

/** How an App is applied and kept in place, every field filled in. */
export const appPolicyViewSchema = z.object({
  prune: z.boolean(),
  drift: driftPolicyView,
  health: z.object({ timeoutSeconds: z.number().int() }),
  rollback: z.object({ auto: z.boolean() }),
  createNamespace: z.boolean().describe("the agents create the namespaces the app's objects are in when missing"),
  rollout: rolloutStrategyViewSchema.optional().describe('absent in apps stored before rollouts, meaning the default'),
});
export type AppPolicyView = z.output<typeof appPolicyViewSchema>;

/** What one cluster changes of its App's policy: the drift policy, merged over the App's. */
export const policyOverrideViewSchema = z.object({ drift: driftPolicyView.partial().optional() });
export type PolicyOverrideView = z.output<typeof policyOverrideViewSchema>;

/** How an App's latest revision rendered on the hub: a revision that failed reaches no cluster. */
export const appRenderStatusViewSchema = z.object({
  state: z.enum(['Rendered', 'RenderFailed']),
  revision: z.string().describe('the revision rendered, ref@sha1:<hex>'),
  renderer: z.string().optional().describe('plain or kustomize, when it failed'),
  message: z.string().optional().describe("the renderer's own message, trimmed"),
  file: z.string().optional().describe('the file the message is about, when it names one'),
  clusters: z.array(z.string()).describe('clusters it failed for (they keep their previous artifact)'),
  updatedAt: timestampSchema,
});
export type AppRenderStatusView = z.output<typeof appRenderStatusViewSchema>;

/** An app as the REST API shows it. */
export const appViewSchema = z.object({
  name: z.string(),
  source: z.string(),
  path: z.string(),
  targets: z.object({ selector: labelSelectorSchema.nullable(), clusters: z.array(z.string()) }),
  variables: z.record(z.string(), z.string()),
  namespace: z.string(),
  policy: appPolicyViewSchema,
  policyOverrides: z.record(z.string(), policyOverrideViewSchema).describe('per-cluster changes of the policy, by cluster name'),
  render: z.object({ allowRemoteBases: z.boolean() }).describe('how the path is rendered on the hub'),
  renderStatus: appRenderStatusViewSchema.nullable().describe('how the latest revision rendered; null before the first render'),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type AppView = z.output<typeof appViewSchema>;

/** A page of apps. */
export const appPageSchema = pageSchemaOf(appViewSchema);
export type AppPage = z.output<typeof appPageSchema>;
