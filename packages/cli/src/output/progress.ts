import type { Style } from './style.js';

/** Where progress goes: a terminal gets one line redrawn in place, anything else gets a line per change. */
export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
}

/** Least time between two progress lines when the output is not a terminal. */
const NON_TTY_INTERVAL_MS = 5_000;

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Shows that a long operation is alive and what it is doing, then how it ended. */
export class Progress {
  private text = '';
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = Date.now();
  private lastLineAt = 0;

  constructor(
    private readonly sink: ProgressSink,
    private readonly style: Style,
    private readonly indent = '',
  ) {}

  /** What is happening now. */
  update(text: string): void {
    if (text === this.text) return;
    this.text = text;
    if (this.sink.isTTY) {
      this.draw();
      if (!this.timer) {
        this.timer = setInterval(() => this.draw(), 100);
        this.timer.unref();
      }
    } else if (Date.now() - this.lastLineAt >= NON_TTY_INTERVAL_MS) {
      // A log, not a screen: a line now and then is enough (a cold build would otherwise print thousands).
      this.lastLineAt = Date.now();
      this.sink.write(`${this.indent}… ${text}\n`);
    }
  }

  /** Finished well: `✓ text (elapsed)`. */
  done(text: string): void {
    this.finish(`${this.style.green('✓')} ${text}`);
  }

  /** Finished badly: `✗ text`. */
  fail(text: string): void {
    this.finish(`${this.style.red('✗')} ${text}`);
  }

  /** Seconds since the operation started. */
  get elapsedMs(): number {
    return Date.now() - this.startedAt;
  }

  private finish(line: string): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.sink.write(`${this.sink.isTTY ? '\r\u001b[2K' : ''}${this.indent}${line}\n`);
  }

  private draw(): void {
    const spinner = this.style.cyan(FRAMES[this.frame++ % FRAMES.length] as string);
    const seconds = Math.floor(this.elapsedMs / 1000);
    const columns = (process.stdout.columns || 100) - this.indent.length - 12;
    const text = this.text.length > columns ? `${this.text.slice(0, columns - 1)}…` : this.text;
    this.sink.write(`\r\u001b[2K${this.indent}${spinner} ${text} ${this.style.dim(`${seconds}s`)}`);
  }
}
