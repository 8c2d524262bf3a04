/** A one-line progress display on stderr for long batch jobs; silent when stderr is not a terminal. */
export class ProgressLine {
  private shown = false;
  private readonly started = Date.now();

  constructor(private readonly enabled = process.stderr.isTTY === true) {}

  update(recordsRead: number, status: string): void {
    if (!this.enabled) return;
    const seconds = (Date.now() - this.started) / 1000;
    const rate = seconds > 0 ? Math.round(recordsRead / seconds) : 0;
    process.stderr.write(
      `\r\x1b[K${status}: ${recordsRead.toLocaleString('en')} records read, ${rate.toLocaleString('en')}/s, ${seconds.toFixed(1)} s`,
    );
    this.shown = true;
  }

  clear(): void {
    if (this.shown) process.stderr.write('\r\x1b[K');
    this.shown = false;
  }
}
