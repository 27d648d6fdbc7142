/**
 * An upper bound of how deeply a YAML (or JSON) text nests, found without parsing it: the block levels open at each
 * line (indentation, and `- ` or `? ` starting nested collections on one line) plus the flow collections (`[`, `{`)
 * open there. Quoted scalars and comments are skipped. The bound may be above the real depth (brackets in plain or
 * block scalars count), never below, so it can refuse a text before a recursive parser would exhaust the stack.
 */
export function measureNesting(text: string): number {
  let deepest = 0;
  let flow = 0;
  const indents: number[] = [];
  let i = 0;
  const length = text.length;
  const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

  while (i < length) {
    // At the start of a line, outside any flow collection: account for block structure.
    if (flow === 0) {
      let indent = 0;
      while (isBlank(text[i])) {
        indent++;
        i++;
      }
      if (text.startsWith('---', i) && indent === 0) {
        indents.length = 0;
      } else if (text[i] !== '\n' && text[i] !== '\r' && text[i] !== '#' && i < length) {
        let inline = 0;
        while ((text[i] === '-' || text[i] === '?') && isBlank(text[i + 1])) {
          inline++;
          i += 2;
          while (isBlank(text[i])) i++;
        }
        while (indents.length > 0 && (indents[indents.length - 1] as number) >= indent) indents.pop();
        indents.push(indent);
        deepest = Math.max(deepest, indents.length + inline);
      }
    }
    // The rest of the line (and, inside flow collections or quotes, the lines after it).
    let previous = ' ';
    for (; i < length && text[i] !== '\n'; i++) {
      const c = text[i] as string;
      if (c === '#' && (previous === ' ' || previous === '\t')) {
        while (i < length && text[i] !== '\n') i++;
        break;
      }
      if ((c === '"' || c === "'") && ' \t[{,:'.includes(previous)) {
        i = skipQuoted(text, i);
        previous = c;
        continue;
      }
      if (c === '[' || c === '{') {
        flow++;
        deepest = Math.max(deepest, indents.length + flow);
      } else if ((c === ']' || c === '}') && flow > 0) {
        flow--;
      }
      previous = c;
    }
    i++;
  }
  return deepest;
}

/** The index of the quote closing the quoted scalar opened at `start` (or the end of the text). */
function skipQuoted(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return text.length;
}
