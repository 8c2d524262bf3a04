import { errorMessage } from './operator.js';

/**
 * Collects the messages of callbacks that threw; the record that made them is dropped, the run goes
 * on. An identical message is counted, not repeated: a callback failing on every one of a million
 * records reports one line with its count. Closed once the run is interrupted, so the failures the
 * interruption itself causes (every later Redis call failing) do not bury its one real cause.
 */
export class ErrorSink {
  private readonly counts = new Map<string, number>();
  private closed = false;

  add(err: unknown): void {
    if (this.closed) return;
    const message = errorMessage(err);
    this.counts.set(message, (this.counts.get(message) ?? 0) + 1);
  }

  close(): void {
    this.closed = true;
  }

  /** In first-seen order; a message seen n > 1 times ends with ` (n times)`. */
  get messages(): string[] {
    return [...this.counts].map(([message, n]) => (n === 1 ? message : `${message} (${n} times)`));
  }
}
