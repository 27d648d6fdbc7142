import { formatChanges, formatStatusTable, shortRevision } from '@flotilla/cli';
import { DEMO_APP, DEMO_SOURCE, type DemoSession, isSyncedAt } from './demo-session.js';
import { APP_PATH, GREETING_CHANGE } from './sample-repository.js';

/** Step: track the repository, create the app for every cluster, and watch the first sync. Returns the revision. */
export async function showFirstSync(session: DemoSession, repositoryUrl: string, commit: string): Promise<string> {
  const { narrator, api } = session;
  await narrator.step(
    'First sync',
    'Tell the hub to track the repository and create the app "hello" for every cluster. Each agent fetches the commit, renders the manifests with its cluster\'s variables, dry-runs all of them, applies them with server-side apply and reports back. The hub\'s gRPC status stream shows it live.',
  );
  await api.createSource({ name: DEMO_SOURCE, url: repositoryUrl, ref: 'main', pollIntervalSeconds: 60, webhookSecret: session.webhookSecret });
  narrator.command(`flotilla sources create ${DEMO_SOURCE} --url ${repositoryUrl}`);
  await api.createApp({ name: DEMO_APP, source: DEMO_SOURCE, path: APP_PATH, targets: { selector: {} }, policy: { drift: { mode: 'correct' }, health: { timeoutSeconds: 60 } } });
  narrator.command(`flotilla apps create ${DEMO_APP} --source ${DEMO_SOURCE} --path ${APP_PATH} --selector "" --drift correct`);
  const revision = session.revisionOf(commit);
  await session.waitForApp(`the first sync of ${shortRevision(revision)}`, isSyncedAt(revision));
  narrator.ok(`${DEMO_APP} runs ${shortRevision(revision)} on all ${session.clusters.length} clusters`);
  await narrator.pause();
  narrator.command(`flotilla status ${DEMO_APP}`);
  narrator.block(formatStatusTable((await api.getAppStatus(DEMO_APP)).items, narrator.style));
  await narrator.pause();
  await showMessages(session, 'Each cluster got its own values:');
  return revision;
}

/** Step: push a commit and watch the fleet follow it. Returns the new revision. */
export async function showCommitRollout(session: DemoSession): Promise<string> {
  const { narrator } = session;
  await narrator.step(
    'A commit rolls out',
    'Change the greeting in Git. The Git host\'s push webhook tells the hub at once; the hub gives every agent the new revision, and each applies only what changed.',
  );
  const commit = await session.commitEdit(GREETING_CHANGE);
  narrator.command(`git commit -am "${GREETING_CHANGE.commitMessage}" && git push    ${narrator.style.dim(`# ${commit.slice(0, 7)}`)}`);
  await session.deliverWebhook(commit);
  const revision = session.revisionOf(commit);
  await session.waitForApp(`the rollout of ${shortRevision(revision)}`, isSyncedAt(revision));
  const changes = session.view.rows({ app: DEMO_APP })[0]?.changes;
  narrator.ok(`every cluster runs ${shortRevision(revision)} (${formatChanges(changes)} each)`);
  await narrator.pause();
  await showMessages(session, 'Live in the clusters:');
  return revision;
}

/** Prints the greeting each cluster serves, read from its API server. */
export async function showMessages(session: DemoSession, heading: string): Promise<void> {
  session.narrator.say(heading);
  for (const cluster of session.clusters) {
    session.narrator.say(`  ${cluster.padEnd(8)} ConfigMap hello/greeting  message: "${(await session.liveMessage(cluster)) ?? '(missing)'}"`);
  }
  await session.narrator.pause();
}
