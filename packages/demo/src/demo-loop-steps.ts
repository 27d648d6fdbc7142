import type { RolloutView } from '@flotilla/api';
import { formatChanges, formatStatusTable, shortRevision } from '@flotilla/cli';
import { DEMO_APP, DEMO_SOURCE, type DemoSession, isSyncedAt } from './demo-session.js';
import { APP_PATH, RELEASE_CHANGE } from './sample-repository.js';

/**
 * The app's policy: health must arrive within 20 s (the Deployment's Pods Running and Ready); a new revision goes to
 * dev first (the canary), then to the other clusters one wave at a time (staging before prod: waves follow cluster
 * names), each after the one before has been healthy for 2 s. Drift is corrected.
 */
export const DEMO_POLICY = {
  drift: { mode: 'correct' as const },
  health: { timeoutSeconds: 20 },
  rollout: { canary: { selector: { matchLabels: { env: 'dev' } } }, waveSize: 1, minHealthySeconds: 2 },
};

/** Step: track the repository, create the app for every cluster, and watch the first sync. Returns the revision. */
export async function showFirstSync(session: DemoSession, repositoryUrl: string, commit: string): Promise<string> {
  const { narrator, api } = session;
  await narrator.step(
    'First sync',
    'Tell the hub to track the repository and create the app "hello" for every cluster: a web Deployment of two Pods, its Service and a ConfigMap. The hub fetches the commit once and renders the manifests with each cluster\'s variables into an artifact; each agent downloads its own, dry-runs all of its objects, applies them with server-side apply, waits until the Deployment\'s Pods are Running and Ready, and reports back. The hub\'s gRPC status stream shows it live.',
  );
  await api.createSource({ name: DEMO_SOURCE, url: repositoryUrl, ref: 'main', pollIntervalSeconds: 60, webhookSecret: session.webhookSecret });
  narrator.command(`flotilla sources create ${DEMO_SOURCE} --url ${repositoryUrl}`);
  await api.createApp({ name: DEMO_APP, source: DEMO_SOURCE, path: APP_PATH, targets: { selector: {} }, policy: DEMO_POLICY });
  narrator.command(`flotilla apps create ${DEMO_APP} --source ${DEMO_SOURCE} --path ${APP_PATH} --selector "" --drift correct --health-timeout 20`);
  narrator.say(`${narrator.style.dim('with the rollout strategy of its policy (POST /api/v1/apps):')} canary env=dev, then waves of 1 cluster, each healthy 2 s before the next`);
  const revision = session.revisionOf(commit);
  await session.waitForApp(`the first sync of ${shortRevision(revision)}`, isSyncedAt(revision));
  narrator.ok(`${DEMO_APP} runs ${shortRevision(revision)} on all ${session.clusters.length} clusters`);
  await narrator.pause();
  narrator.command(`flotilla status ${DEMO_APP}`);
  narrator.block(formatStatusTable((await api.getAppStatus(DEMO_APP)).items, narrator.style));
  await narrator.pause();
  await showMessages(session, 'Each cluster got its own values:');
  await session.showDeployments('and runs the web Deployment, its Pods Ready on the cluster\'s node:');
  return revision;
}

/** Step: push a release and watch it roll out wave by wave. Returns the new revision. */
export async function showCommitRollout(session: DemoSession, hasRollouts: boolean): Promise<string> {
  const { narrator, api } = session;
  await narrator.step(
    'A release rolls out in waves',
    'Release hello-web 1.1 with a new greeting. The Git host\'s push webhook tells the hub at once. ' +
      (hasRollouts
        ? 'The hub rolls it out as the app\'s policy says: dev first, then staging, then prod, each wave only once the one before has its Pods Ready.'
        : 'The hub gives every agent the new revision, and each applies only what changed.'),
  );
  const commit = await session.commitEdit(RELEASE_CHANGE);
  narrator.command(`git commit -am "${RELEASE_CHANGE.commitMessage}" && git push    ${narrator.style.dim(`# ${commit.slice(0, 7)}`)}`);
  await session.deliverWebhook(commit);
  const revision = session.revisionOf(commit);
  await session.waitForApp(`the rollout of ${shortRevision(revision)}`, isSyncedAt(revision));
  const changes = session.view.rows({ app: DEMO_APP })[0]?.changes;
  narrator.ok(`every cluster runs ${shortRevision(revision)} (${formatChanges(changes)} each)`);
  if (hasRollouts) {
    // The last wave is Ready but still proving itself for the policy's minimum healthy time: wait for the end.
    let rollout: RolloutView | undefined;
    await session.waitUntil(`the rollout of ${shortRevision(revision)} to finish`, async () => {
      rollout = (await session.listRollouts()).find((r) => r.revision === revision);
      return rollout?.finishedAt != null;
    });
    const detail = rollout ? await api.getRollout(rollout.id) : undefined;
    narrator.command(`flotilla rollouts get ${rollout?.id ?? '?'}`);
    for (const wave of detail?.waves ?? []) {
      for (const cluster of wave.clusters) {
        const healthyAfter = cluster.startedAt && cluster.healthySince ? ` (Pods Ready ${((Date.parse(cluster.healthySince) - Date.parse(cluster.startedAt)) / 1000).toFixed(1)} s after it started)` : '';
        narrator.say(`  wave ${wave.index}${wave.canary ? ' (canary)' : '         '}  ${cluster.cluster.padEnd(10)} ${cluster.state}${healthyAfter}`);
      }
    }
  }
  await narrator.pause();
  await showMessages(session, 'Live in the clusters:');
  await session.showDeployments('');
  return revision;
}

/** Prints the greeting each cluster serves, read from its API server. */
export async function showMessages(session: DemoSession, heading: string): Promise<void> {
  session.narrator.say(heading);
  for (const cluster of session.clusters) {
    session.narrator.say(`  ${cluster.padEnd(10)} ConfigMap hello/greeting  message: "${(await session.liveMessage(cluster)) ?? '(missing)'}"`);
  }
  await session.narrator.pause();
}
