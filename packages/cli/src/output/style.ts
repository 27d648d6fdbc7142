/** Terminal styling that turns itself off when output is not a terminal or NO_COLOR is set. */
export class Style {
  constructor(readonly isEnabled: boolean) {}

  bold(text: string): string {
    return this.wrap(text, '1', '22');
  }
  dim(text: string): string {
    return this.wrap(text, '2', '22');
  }
  green(text: string): string {
    return this.wrap(text, '32', '39');
  }
  red(text: string): string {
    return this.wrap(text, '31', '39');
  }
  yellow(text: string): string {
    return this.wrap(text, '33', '39');
  }
  cyan(text: string): string {
    return this.wrap(text, '36', '39');
  }

  /** Colours a phase or health word by what it means. */
  state(word: string): string {
    if (/^(Synced|Healthy|Completed|true|connected)$/i.test(word)) return this.green(word);
    if (/^(Failed|Degraded|Halted|RolledBack|RollingBack|rolling-back|Aborted|false|disconnected)$/i.test(word)) return this.red(word);
    if (/^(Progressing|Pending|Applying|Fetching|Paused|Unknown)$/i.test(word)) return this.yellow(word);
    return word;
  }

  private wrap(text: string, on: string, off: string): string {
    return this.isEnabled ? `\u001b[${on}m${text}\u001b[${off}m` : text;
  }
}
