import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ControlPlaneError, type ControlPlaneErrorData } from './control-plane-error.js';
import type { SupervisedProcess } from './supervised-process.js';

/** How to poll a server's health endpoint and which process serves it. */
export interface WaitForReadyOptions {
  component: ControlPlaneErrorData['component'];
  url: string;
  process: SupervisedProcess;
  timeoutMs: number;
  bearerToken?: string;
  /** Returns the CA bundle to trust, or undefined while the server has not written it yet. */
  readCa?: () => Promise<string | undefined>;
}

const POLL_INTERVAL_MS = 250;
const REQUEST_TIMEOUT_MS = 5_000;

/** Polls `url` until it answers 200; fails fast, with the log tail, if the process exits or time runs out. */
export async function waitForReady(options: WaitForReadyOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (options.process.isExited) {
      const { code, signal } = await options.process.exited;
      throw new ControlPlaneError('EXITED_EARLY', `${options.component} exited before it was ready (${signal ?? `exit ${code}`})`, {
        component: options.component,
        logPath: options.process.logPath,
        logTail: await options.process.readLogTail(),
      });
    }
    const ca = options.readCa ? await options.readCa() : undefined;
    if (!options.readCa || ca !== undefined) {
      const answer = await get(options.url, options.bearerToken, ca);
      if (answer.status === 200) return;
      lastProblem = answer.status === undefined ? answer.error : `HTTP ${answer.status}: ${summarize(answer.body)}`;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new ControlPlaneError(
    'NOT_READY',
    `${options.component} was not ready at ${options.url} within ${Math.round(options.timeoutMs / 1000)} s (last: ${lastProblem}); ` +
      'a busy machine may need a longer readyTimeoutMs',
    { component: options.component, logPath: options.process.logPath, logTail: await options.process.readLogTail() },
  );
}

// /readyz lists every check; the failing ones ("[-]...") are the news.
function summarize(body: string): string {
  const failing = body.split('\n').filter((line) => line.startsWith('[-]'));
  return failing.length > 0 ? failing.join('; ') : body.slice(0, 300);
}

type Answer = { status: number; body: string } | { status: undefined; error: string };

function get(url: string, bearerToken: string | undefined, ca: string | undefined): Promise<Answer> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        headers: bearerToken ? { authorization: `Bearer ${bearerToken}` } : {},
        timeout: REQUEST_TIMEOUT_MS,
        ...(ca === undefined ? {} : { ca }),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', (error) => resolve({ status: undefined, error: error.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', (error) => resolve({ status: undefined, error: error.message }));
    req.end();
  });
}
