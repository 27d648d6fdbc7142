/**
 * The image tag that makes a Pod fail on a test cluster that runs workloads: KWOK's pod-crash-loop stage
 * (kwok/stages.yaml) runs such a Pod but never makes it Ready, its container waiting in CrashLoopBackOff.
 */
export const BROKEN_IMAGE_TAG = 'broken';

/** `image` with its tag replaced by the broken one, e.g. `registry.example/web:1.2` → `registry.example/web:broken`. */
export function brokenImage(image: string): string {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  const name = colon > slash ? image.slice(0, colon) : image;
  return `${name}:${BROKEN_IMAGE_TAG}`;
}
