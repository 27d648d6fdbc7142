import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The Node.js flags of an image's ENTRYPOINT (deploy/docker/<image>.Dockerfile), so that a benchmark runs the hub or
 * the agent as the image does.
 */
export function imageNodeFlags(image: 'agent' | 'hub'): string[] {
  const dockerfile = readFileSync(join(here, `../../deploy/docker/${image}.Dockerfile`), 'utf8');
  const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)?.[1];
  if (!entrypoint) throw new Error(`deploy/docker/${image}.Dockerfile has no ENTRYPOINT [...] line`);
  return (JSON.parse(entrypoint) as string[]).filter((arg) => arg.startsWith('--'));
}
