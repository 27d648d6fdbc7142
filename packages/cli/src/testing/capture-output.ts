import type { OutputStream } from '../commands/command.js';

/** An output stream that keeps what is written, for tests. */
export interface CapturedOutput extends OutputStream {
  readonly text: string;
}

/** A non-terminal stream collecting everything written to it. */
export function captureOutput(): CapturedOutput {
  let text = '';
  return {
    isTTY: false,
    write(chunk: string) {
      text += chunk;
    },
    get text() {
      return text;
    },
  };
}
