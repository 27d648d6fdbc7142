/** A non-terminal output stream for the CLI or the demo that keeps what is written: `stream` to pass, `text` to read. */
export function capture() {
  let text = '';
  return {
    stream: { isTTY: false, write: (chunk: string) => void (text += chunk) },
    get text() {
      return text;
    },
  };
}
