/** Longest URL text put in a message; anything longer is cut, so a pasted document cannot flood a log line. */
const MAX_LENGTH = 300;

/** A URL fit for messages and logs: any password replaced by `***`, whether or not the URL parses. */
export function redactUrl(url: string): string {
  let redacted: string;
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    redacted = parsed.href;
  } catch {
    // Not a URL: still hide whatever sits between "//user:" and "@".
    redacted = url.replace(/\/\/([^/:@\s]*):[^/@\s]*@/g, '//$1:***@');
  }
  return redacted.length > MAX_LENGTH ? `${redacted.slice(0, MAX_LENGTH)}…` : redacted;
}
