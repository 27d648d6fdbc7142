import { type OutputStream, Progress, type Style } from '@flotilla/cli';

const INDENT = '      ';

/** The demo's voice: numbered steps, what each does and why, results, and pauses so a reader keeps up. */
export class DemoNarrator {
  private stepNumber = 0;

  constructor(
    private readonly out: OutputStream,
    readonly style: Style,
    private readonly paceMs: number,
    private readonly totalSteps: number,
  ) {}

  /** The opening lines. */
  title(heading: string, text: string): void {
    this.out.write(`\n${this.style.bold(heading)}\n${text}\n`);
  }

  /** Starts the next step: `[3/7] heading`, then what is about to happen. */
  async step(heading: string, explanation: string): Promise<void> {
    this.stepNumber++;
    this.out.write(`\n${this.style.bold(this.style.cyan(`[${this.stepNumber}/${this.totalSteps}]`))} ${this.style.bold(heading)}\n`);
    this.out.write(`${wrap(explanation, 100).map((line) => `${INDENT}${this.style.dim(line)}`).join('\n')}\n`);
    await this.pause();
  }

  /** A plain line of the current step. */
  say(text: string): void {
    this.out.write(`${INDENT}${text}\n`);
  }

  /** What a user would type for this (the CLI, git, kubectl). */
  command(text: string): void {
    this.out.write(`${INDENT}${this.style.dim('$')} ${text}\n`);
  }

  ok(text: string): void {
    this.say(`${this.style.green('✓')} ${text}`);
  }

  fail(text: string): void {
    this.say(`${this.style.red('✗')} ${text}`);
  }

  /** A step this hub cannot show, and why. */
  skip(text: string): void {
    this.say(`${this.style.yellow('–')} ${text}`);
  }

  /** A live status-stream line. */
  event(text: string): void {
    this.out.write(`${text.split('\n').map((line) => `${INDENT}${this.style.dim('│')} ${line}`).join('\n')}\n`);
  }

  /** A table or other multi-line text, indented. */
  block(text: string): void {
    this.out.write(`${text.split('\n').map((line) => `${INDENT}  ${line}`).join('\n')}\n`);
  }

  /** A progress line for a long wait. */
  progress(): Progress {
    return new Progress(this.out, this.style, INDENT);
  }

  /** Gives the reader time; `factor` scales the demo's pace. */
  async pause(factor = 1): Promise<void> {
    if (this.paceMs > 0) await new Promise((resolve) => setTimeout(resolve, this.paceMs * factor));
  }
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}
