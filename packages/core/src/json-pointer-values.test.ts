import { describe, expect, it } from 'vitest';
import { valueAtPointer, withoutPointers, withValuesFrom } from './json-pointer-values.js';

const doc = { metadata: { labels: { 'app.kubernetes.io/name': 'api' } }, spec: { replicas: 2, list: ['a', 'b', 'c'], containers: [{ name: 'x', image: 'x:1' }] } };

describe('values at JSON pointers', () => {
  it('reads values, escapes included, and undefined for paths that do not exist', () => {
    expect(valueAtPointer(doc, '/metadata/labels/app.kubernetes.io~1name')).toBe('api');
    expect(valueAtPointer(doc, '/spec/containers/0/image')).toBe('x:1');
    expect(valueAtPointer(doc, '/spec/containers/3/image')).toBeUndefined();
    expect(valueAtPointer(doc, '/spec/replicas/x')).toBeUndefined();
    expect(valueAtPointer(doc, '')).toBe(doc);
  });

  it('removes values from a copy, list items from the highest index down', () => {
    const copy = withoutPointers(doc, ['/spec/replicas', '/spec/list/0', '/spec/list/2', '/nothing/here']);
    expect(copy.spec).toEqual({ list: ['b'], containers: [{ name: 'x', image: 'x:1' }] });
    expect(doc.spec.replicas).toBe(2);
  });

  it('copies values from another document, creating parents, and removes those it lacks', () => {
    const live = { spec: { replicas: 7, containers: [{ name: 'x', image: 'x:2' }] }, metadata: {} };
    const copy = withValuesFrom(doc, live, ['/spec/replicas', '/spec/containers/0/image', '/metadata/labels', '/status/ready']);
    expect(copy).toEqual({ metadata: {}, spec: { replicas: 7, list: ['a', 'b', 'c'], containers: [{ name: 'x', image: 'x:2' }] } });
    expect(withValuesFrom({ a: 1 }, { b: { c: 2 } }, ['/b/c'])).toEqual({ a: 1, b: { c: 2 } });
  });
});
