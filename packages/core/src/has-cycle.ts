/**
 * Whether a value parsed from YAML contains itself: an alias inside the node its anchor names (`a: &a {b: *a}`)
 * parses to a circular object, which JSON cannot carry and recursive code would follow forever. Iterative, so that a
 * deep value cannot exhaust the stack here either; shared (non-circular) nodes are fine.
 */
export function hasCycle(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const onPath = new Set<object>();
  const done = new Set<object>();
  const stack: Array<{ node: object; children: Iterator<unknown> }> = [{ node: value, children: Object.values(value)[Symbol.iterator]() }];
  onPath.add(value);
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as { node: object; children: Iterator<unknown> };
    const next = top.children.next();
    if (next.done) {
      stack.pop();
      onPath.delete(top.node);
      done.add(top.node);
      continue;
    }
    const child = next.value;
    if (child === null || typeof child !== 'object' || done.has(child)) continue;
    if (onPath.has(child)) return true;
    onPath.add(child);
    stack.push({ node: child, children: Object.values(child)[Symbol.iterator]() });
  }
  return false;
}
