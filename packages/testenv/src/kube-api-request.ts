import { request } from 'node:https';

/** Where a control plane's API is and who asks: enough for testenv's own few requests, without a client library. */
export interface KubeApiTarget {
  server: string;
  caPem: string;
  token: string;
}

/** A JSON answer of the API server; `body` is undefined when it was not JSON. */
export interface KubeApiAnswer<T> {
  status: number;
  body: T | undefined;
}

const REQUEST_TIMEOUT_MS = 10_000;

/** One JSON request to the API server; network errors reject, HTTP errors resolve with their status. */
export function kubeApiRequest<T = Record<string, unknown>>(target: KubeApiTarget, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<KubeApiAnswer<T>> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, target.server),
      {
        method,
        ca: target.caPem,
        timeout: REQUEST_TIMEOUT_MS,
        headers: {
          authorization: `Bearer ${target.token}`,
          accept: 'application/json',
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: parseJson<T>(text) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out after ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
