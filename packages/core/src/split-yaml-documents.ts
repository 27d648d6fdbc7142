/** One YAML document's text in a stream, and the 1-based line of the stream it starts at. */
export interface YamlDocumentText {
  text: string;
  line: number;
}

// A `---` at the start of a line, then a space or the end of the line, always starts a document (even inside a
// scalar: YAML forbids that line there), so splitting on it needs no parser.
const DOCUMENT_START = /^---(?:[ \t].*)?$/;

/**
 * Splits a YAML stream into its documents' texts, cutting before each `---` line; directives (`%YAML`) stay with the
 * document they introduce. Joining the texts gives the stream back, so lines can be mapped by adding `line - 1`.
 */
export function splitYamlDocuments(stream: string): YamlDocumentText[] {
  const documents: YamlDocumentText[] = [];
  let start = 0;
  let startLine = 1;
  let line = 1;
  let hasDirective = false;
  for (let at = 0; at <= stream.length; line++) {
    const end = stream.indexOf('\n', at);
    const lineEnd = end < 0 ? stream.length : end;
    const text = stream.slice(at, lineEnd).replace(/\r$/, '');
    if (DOCUMENT_START.test(text) && at > start && !hasDirective) {
      documents.push({ text: stream.slice(start, at), line: startLine });
      start = at;
      startLine = line;
    }
    hasDirective = text.startsWith('%') || (hasDirective && !DOCUMENT_START.test(text));
    if (end < 0) break;
    at = end + 1;
  }
  if (start < stream.length || documents.length === 0) documents.push({ text: stream.slice(start), line: startLine });
  return documents;
}
