import { fileURLToPath } from 'node:url';
import { startTestHub } from './start-test-hub.js';

/** The committed copy of the served OpenAPI document: what users generate clients from and `pnpm lint` checks. */
export const OPENAPI_DOCUMENT_PATH = fileURLToPath(new URL('../../openapi.json', import.meta.url));

/** The OpenAPI document as a running hub serves it at /api/docs-json, as the text committed in hub/openapi.json. */
export async function readServedOpenApiDocument(httpUrl?: string): Promise<string> {
  const hub = httpUrl ? undefined : await startTestHub('sqlite');
  try {
    const response = await fetch(`${httpUrl ?? hub?.httpUrl}/api/docs-json`);
    if (!response.ok) throw new Error(`GET /api/docs-json answered ${response.status}`);
    return `${JSON.stringify(await response.json(), null, 2)}\n`;
  } finally {
    await hub?.stop();
  }
}
