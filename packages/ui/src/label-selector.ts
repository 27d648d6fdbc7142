/** A parsed cluster label selector: `env=prod,tier!=edge,gpu` (equals, not equals, has). */
export type LabelTest = (labels: Record<string, string>) => boolean;

/** Parses a selector; throws an Error naming the bad term. */
export function parseLabelSelector(text: string): LabelTest {
  const tests: LabelTest[] = [];
  for (const raw of text.split(',')) {
    const term = raw.trim();
    if (term === '') continue;
    const match = /^(!?)([A-Za-z0-9._/-]+)\s*(?:(!=|==|=)\s*([A-Za-z0-9._-]*))?$/.exec(term);
    if (!match) throw new Error(`label selector: cannot read "${term}" (write key=value, key!=value, key or !key)`);
    const [, not, key = '', op, value = ''] = match;
    if (op === undefined) tests.push((labels) => (key in labels) !== (not === '!'));
    else if (op === '!=') tests.push((labels) => labels[key] !== value);
    else tests.push((labels) => labels[key] === value);
  }
  return (labels) => tests.every((test) => test(labels));
}
