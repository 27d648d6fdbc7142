import type { RolloutView } from '@flotilla/api';
import { CliError, enumWord, formatRolloutTable, formatStatusTable, shortRevision } from '@flotilla/cli';
import { DEMO_APP, type DemoSession, isSyncedAt, isUnhealthyAt } from './demo-session.js';
import { BROKEN_RELEASE_CHANGE } from './sample-repository.js';

const ACTIVE_ROLLOUT = /progress|pending|running|wave/i;

/**
 * Step: release an image that crashes at start. Its Pods crash-loop, so the Deployment never completes its rollout and
 * the health check times out: the rollout halts after the canary and the fleet is rolled back (or, on a hub without
 * rollouts, every cluster reports it unhealthy and Git is reverted).
 */
export async function showBadCommit(session: DemoSession, goodRevision: string, hasRollouts: boolean): Promise<void> {
  const { narrator, api } = session;
  await narrator.step(
    hasRollouts ? 'A broken release is halted and rolled back' : 'A broken release is caught and reverted',
    'Release hello-web 1.2, a build that crashes at start. ' +
      (hasRollouts
        ? 'dev, the canary, gets it first: its new Pod crash-loops, so the Deployment never completes its rollout (the old Pods keep serving) and health times out after 20 s. The rollout halts, so staging and prod never get it, and a rollback returns the app to its last healthy revision.'
        : 'Its Pods crash-loop, so no Deployment completes its rollout and health times out after 20 s. Then roll back the GitOps way: revert the commit in Git.'),
  );
  const badCommit = await session.commitEdit(BROKEN_RELEASE_CHANGE);
  const badRevision = session.revisionOf(badCommit);
  narrator.command(`git commit -am "${BROKEN_RELEASE_CHANGE.commitMessage}" && git push    ${narrator.style.dim(`# ${badCommit.slice(0, 7)}`)}`);
  await session.deliverWebhook(badCommit);

  if (hasRollouts) await haltAndRollBack(session, badRevision, goodRevision);
  else {
    await session.waitForApp(`every cluster to find ${shortRevision(badRevision)} unhealthy`, isUnhealthyAt(badRevision));
    narrator.ok(`every cluster applied ${shortRevision(badRevision)} and found it unhealthy: its Pods crash-loop`);
    await session.showDeployments('Live in the clusters:');

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
      // Every cluster given the bad revision has found it unhealthy (a rollback now would cut short one still waiting).
      const rows = session.view.rows({ app: DEMO_APP });
      const caught = rows.some(isUnhealthyAt(badRevision)) && rows.every((row) => row.desiredRevision !== badRevision || isUnhealthyAt(badRevision)(row));
      return caught && latest !== undefined && !ACTIVE_ROLLOUT.test(stateOf(latest));
    });
  } finally {
    session.isPrinting = false;
  }
  const latest = rollouts.find((r) => r.revision === badRevision) ?? rollouts[0];
  narrator.ok(`the rollout of ${shortRevision(badRevision)} stopped: ${stateOf(latest)}`);
  narrator.command(`flotilla rollouts --app ${DEMO_APP}`);
  narrator.block(formatRolloutTable(rollouts.slice(0, 3), narrator.style));
  await narrator.pause();
  await session.showDeployments('Live in the clusters: the canary\'s new Pod crash-loops beside the old ones; staging and prod never got the release:');

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
  await session.showDeployments('Live in the clusters:');
  narrator.say(`The clusters stay pinned to ${shortRevision(goodRevision)}; once Git is fixed, "flotilla apps unpin ${DEMO_APP}" lets them follow main again.`);
}
