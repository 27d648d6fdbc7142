import type { RolloutView } from '@flotilla/api';
import { CliError, enumWord, formatRolloutTable, formatStatusTable, shortRevision } from '@flotilla/cli';
import { DEMO_APP, type DemoSession, isFailedAt, isSyncedAt } from './demo-session.js';
import { BAD_PORT_CHANGE } from './sample-repository.js';

const ACTIVE_ROLLOUT = /progress|pending|running|wave/i;

/** Step: push a commit the API server refuses, show that nothing of it was applied, and go back to the good revision. */
export async function showBadCommit(session: DemoSession, goodRevision: string, hasRollouts: boolean): Promise<void> {
  const { narrator, api } = session;
  await narrator.step(
    hasRollouts ? 'A bad commit is halted and rolled back' : 'A bad commit is refused and rolled back',
    'Push a commit with a typo: a Service port of 99999. Every object of a revision is dry-run before any is applied, so the API server\'s refusal stops the whole revision and the previous one stays live. ' +
      (hasRollouts ? 'The rollout halts, and a rollback returns the app to its last good revision.' : 'Then roll back the GitOps way: revert the commit in Git.'),
  );
  const badCommit = await session.commitEdit(BAD_PORT_CHANGE);
  const badRevision = session.revisionOf(badCommit);
  narrator.command(`git commit -am "${BAD_PORT_CHANGE.commitMessage}" && git push    ${narrator.style.dim(`# ${badCommit.slice(0, 7)}`)}`);
  await session.deliverWebhook(badCommit);

  if (hasRollouts) await haltAndRollBack(session, badRevision, goodRevision);
  else {
    await session.waitForApp(`every cluster to refuse ${shortRevision(badRevision)}`, isFailedAt(badRevision));
    narrator.ok(`every cluster refused ${shortRevision(badRevision)} at dry-run; nothing of it was applied`);
    await narrator.pause();
    await showPorts(session);

    narrator.say('Roll back by reverting the commit:');
    await session.checkout.git(['revert', '--no-edit', 'HEAD']);
    await session.checkout.push();
    const revertCommit = await session.checkout.head();
    narrator.command(`git revert HEAD && git push    ${narrator.style.dim(`# ${revertCommit.slice(0, 7)}`)}`);
    await session.deliverWebhook(revertCommit);
    const revertRevision = session.revisionOf(revertCommit);
    await session.waitForApp(`the revert ${shortRevision(revertRevision)} to roll out`, isSyncedAt(revertRevision));
    narrator.ok(`the fleet is healthy again on ${shortRevision(revertRevision)}, the same content as ${shortRevision(goodRevision)}`);
  }
  await narrator.pause();
  narrator.command(`flotilla status ${DEMO_APP}`);
  narrator.block(formatStatusTable((await api.getAppStatus(DEMO_APP)).items, narrator.style));
  await narrator.pause();
}

async function haltAndRollBack(session: DemoSession, badRevision: string, goodRevision: string): Promise<void> {
  const { narrator, api } = session;
  let rollouts: RolloutView[] = [];
  const stateOf = (item: RolloutView | undefined): string => enumWord(item?.state ?? '', 'ROLLOUT_STATE_');
  session.isPrinting = true;
  try {
    await session.waitUntil(`the rollout of ${shortRevision(badRevision)} to stop`, async () => {
      rollouts = await session.listRollouts();
      const latest = rollouts.find((r) => r.revision === badRevision) ?? rollouts[0];
      // Every cluster given the bad revision has refused it (a rollback now would cut short one still dry-running it).
      const rows = session.view.rows({ app: DEMO_APP });
      const failed = rows.some(isFailedAt(badRevision)) && rows.every((row) => row.desiredRevision !== badRevision || isFailedAt(badRevision)(row));
      return failed && latest !== undefined && !ACTIVE_ROLLOUT.test(stateOf(latest));
    });
  } finally {
    session.isPrinting = false;
  }
  const latest = rollouts.find((r) => r.revision === badRevision) ?? rollouts[0];
  narrator.ok(`the rollout of ${shortRevision(badRevision)} stopped: ${stateOf(latest)}`);
  narrator.command(`flotilla rollouts --app ${DEMO_APP}`);
  narrator.block(formatRolloutTable(rollouts.slice(0, 3), narrator.style));
  await narrator.pause();
  await showPorts(session);

  narrator.command(`flotilla rollback ${DEMO_APP} --wait`);
  // The last healthy revision by default; a hub that wants it named gets it named.
  const answer = await api.rollbackApp(DEMO_APP, {}).catch((error: unknown) => {
    if (!CliError.is(error, 'HUB_ERROR')) throw error;
    return api.rollbackApp(DEMO_APP, { revision: goodRevision });
  });
  const target = typeof answer?.revision === 'string' ? answer.revision : goodRevision;
  await session.waitForApp(`the rollback to ${shortRevision(target)}`, (s) => s.desiredRevision !== badRevision && isSyncedAt(s.desiredRevision)(s));
  const back = session.view.rows({ app: DEMO_APP })[0]?.appliedRevision;
  if (back !== goodRevision) throw new CliError('FAILED', `the rollback went to ${shortRevision(back)}, not to the last good revision ${shortRevision(goodRevision)}`);
  narrator.ok(`rolled back: every cluster runs ${shortRevision(goodRevision)} again`);
  narrator.say(`The clusters stay pinned to ${shortRevision(goodRevision)}; once Git is fixed, "flotilla apps unpin ${DEMO_APP}" lets them follow main again.`);
}

/** Shows that the Service still has the good port everywhere. */
async function showPorts(session: DemoSession): Promise<void> {
  const ports = await Promise.all(session.clusters.map(async (cluster) => `${cluster} ${(await session.livePort(cluster)) ?? '?'}`));
  session.narrator.say(`Service hello/web still listens on the good port: ${ports.join(', ')}`);
  await session.narrator.pause();
}
