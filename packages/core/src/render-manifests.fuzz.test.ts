import { describe, expect, it } from 'vitest';
import { FlotillaError } from './flotilla-error.js';
import { isBuiltinNamespaced } from './is-builtin-namespaced.js';
import { objectKey } from './object-ref.js';
import { renderManifests, type ManifestFile, type RenderOptions } from './render-manifests.js';
import { SeededRandom } from '@flotilla/testenv';

// Fuzz-style: generated garbage, from random bytes to near-valid manifests with one thing wrong, must end in a
// RENDER_FAILED (or INVALID_ARGUMENT) naming file and line, or in valid objects; never another exception, never a hang,
// never a partial result, and never a change to the input. The seed is fixed so a failure replays: its message names
// the case number; change SEED to explore other cases.
const SEED = 0x5eed_f107;
const CASES = 800;

const VALID = [
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  labels:\n    app: web\ndata:\n  greeting: hello ${name}\n',
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: api\n          image: x:1\n',
  '---\napiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata: {name: s}\n    stringData: {a: b}\n---\n# comment\n',
  '{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "namespace": "other"}, "spec": {"size": 3}}',
  'base: &base\n  apiVersion: v1\n  kind: ConfigMap\nobject:\n  <<: *base\n  metadata: {name: merged}\n',
];

const TOKENS = [
  'apiVersion: v1', 'kind: ConfigMap', 'kind: List', 'kind: CustomResourceDefinition', 'metadata:', '  name: x', '  namespace: Bad_NS', 'name: ""',
  '---', '...', '- ', '&a ', '*a', '<<: *a', '<<: [*a, *a]', '\n  loop: *base\n', '&base ', '!!binary aGVsbG8=', '!!js/function "f"', '!!timestamp 2020-01-01', '!!set {a, b}',
  '!custom', '{', '}', '[', ']', ':', ': ', '"', "'", '|', '>-', '${name}', '${', '$${name}', '${unknown}', '#', '\t', '0644', '1e999',
  '-.inf', '.nan', 'null', '~', '? ', '%YAML 1.1', '%TAG ! tag:x,', 'items:', 'items: 5', 'labels: {a: 1}', 'annotations: [x]', '\\u0000',
  '\r\n', '\n', '  ', '\u2028', '\ufeff', 'yes', 'on', '0x1F', '=', '\u0000', '@', '`', 'apiVersion: kustomize.config.k8s.io/v1beta1',
];

function aliasBomb(random: SeededRandom): string {
  const width = random.int(2, 12);
  const depth = random.int(2, 8);
  const lines = [`a0: &a0 [${Array(width).fill('"x"').join(',')}]`];
  for (let level = 1; level < depth; level++) lines.push(`a${level}: &a${level} [${Array(width).fill(`*a${level - 1}`).join(',')}]`);
  return `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  ${lines.join('\n  ')}\n`;
}

function nested(random: SeededRandom): string {
  if (random.chance(0.5)) {
    const depth = random.int(50, 5000);
    return `${'['.repeat(depth)}${']'.repeat(depth)}`;
  }
  return Array.from({ length: random.int(50, 700) }, (_, i) => `${' '.repeat(i)}a:`).join('\n');
}

function mutate(random: SeededRandom, text: string): string {
  let result = text;
  for (let edits = random.int(1, 6); edits > 0; edits--) {
    const at = random.int(0, result.length);
    switch (random.int(0, 4)) {
      case 0:
        result = result.slice(0, at) + random.pick(TOKENS) + result.slice(at);
        break;
      case 1:
        result = result.slice(0, at) + result.slice(at + random.int(1, 20));
        break;
      case 2:
        result = result.slice(0, at) + random.garbage(random.int(1, 8)) + result.slice(at);
        break;
      case 3: {
        const lines = result.split('\n');
        const line = random.int(0, lines.length - 1);
        lines.splice(line, 0, lines[line] ?? '');
        result = lines.join('\n');
        break;
      }
      default:
        result = result.replace(/ {2}/, random.pick(['', ' ', '   ', '\t']));
    }
  }
  return result;
}

/** One generated file's text. */
function generate(random: SeededRandom): string {
  switch (random.int(0, 6)) {
    case 0:
      return random.garbage(random.int(0, 400));
    case 1:
      return Array.from({ length: random.int(1, 40) }, () => random.pick(TOKENS)).join(random.pick(['\n', ' ', '', '\n  ']));
    case 2:
      return aliasBomb(random);
    case 3:
      return nested(random);
    case 4:
      return random.pick(VALID).repeat(random.int(1, 3));
    default:
      return mutate(random, random.pick(VALID));
  }
}

const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object') for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
};

describe('rendering generated garbage (fuzz)', () => {
  it(`never crashes, hangs or half-renders on ${CASES} generated revisions`, () => {
    const random = new SeededRandom(SEED);
    const outcomes = { rendered: 0, refused: 0 };
    for (let n = 0; n < CASES; n++) {
      const files: ManifestFile[] = Array.from({ length: random.int(1, 3) }, (_, i) => ({
        path: `apps/web/${random.pick(['a', 'b', 'c'])}${i}.${random.pick(['yaml', 'yml', 'json'])}`,
        content: generate(random),
      }));
      const paths = new Set(files.map((f) => f.path));
      if (paths.size !== files.length) continue;
      const options: RenderOptions = {
        appPath: 'apps/web',
        defaultNamespace: 'web',
        isNamespaced: isBuiltinNamespaced,
        variables: random.chance(0.8) ? { name: random.pick(['x', '', 'a: b', '{', '*a', '\n---\n']) } : {},
        maxFileBytes: 256 * 1024,
      };
      const input = deepFreeze(files.map((f) => ({ ...f })));
      const started = Date.now();
      let outcome: string;
      try {
        const { objects } = renderManifests(input, options);
        outcomes.rendered++;
        // All or nothing: whatever came back is complete and valid, and JSON can carry it.
        const keys = objects.map((o) => objectKey(o.ref));
        expect(new Set(keys).size, `case ${n}: duplicate objects`).toBe(keys.length);
        for (const { object } of objects) {
          expect(typeof object.apiVersion === 'string' && typeof object.kind === 'string' && typeof object.metadata.name === 'string', `case ${n}`).toBe(true);
          expect(JSON.parse(JSON.stringify(object)), `case ${n}: not JSON`).toEqual(object);
        }
        outcome = JSON.stringify(objects);
      } catch (error) {
        if (!(error instanceof FlotillaError) || !['RENDER_FAILED', 'INVALID_ARGUMENT'].includes(error.code)) {
          throw new Error(`case ${n} (seed ${SEED}) threw ${(error as Error)?.name}: ${(error as Error)?.message}\n${JSON.stringify(files).slice(0, 2000)}`, {
            cause: error,
          });
        }
        outcomes.refused++;
        const errors = (error.data.errors ?? []) as Array<{ code: unknown; file: unknown; line: unknown; message: unknown }>;
        if (error.code === 'RENDER_FAILED') expect(errors.length, `case ${n}: RENDER_FAILED without errors`).toBeGreaterThan(0);
        for (const detail of errors) {
          expect([typeof detail.code, typeof detail.file, typeof detail.line, typeof detail.message], `case ${n}`).toEqual(['string', 'string', 'number', 'string']);
        }
        outcome = error.message;
      }
      expect(Date.now() - started, `case ${n} took too long`).toBeLessThan(2000);
      // Pure: the same input renders the same way again.
      let again: string;
      try {
        again = JSON.stringify(renderManifests(input, options).objects);
      } catch (error) {
        again = (error as Error).message;
      }
      expect(again, `case ${n}: not deterministic`).toBe(outcome);
    }
    // The generator reaches both sides, or the test proves little (most generated revisions are refused).
    expect(outcomes.rendered).toBeGreaterThan(CASES / 50);
    expect(outcomes.refused).toBeGreaterThan(CASES / 2);
  }, 60_000);
});
