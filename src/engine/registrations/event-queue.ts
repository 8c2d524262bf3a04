// A registration's pending events. Bounded: when `limit` events wait, new ones are dropped and
// counted, rather than queued without end. Back-pressure is not an option for key events: they
// arrive by pub/sub, and a subscriber that stops reading makes Redis grow its output buffer until
// `client-output-buffer-limit pubsub` disconnects it, losing every event and not only the excess.
// Events go to the registration's thread in batches, one batch at a time, in arrival order.

const MAX_BATCH = 512;

export class EventQueue {
  private items: unknown[] = [];
  private head = 0;
  private running = false;
  private waiters: Array<{ upTo: number; resolve: () => void }> = [];
  /** Events accepted so far, and events whose execution has finished. */
  accepted = 0;
  finished = 0;

  constructor(
    private readonly limit: () => number,
    private readonly drain: (records: unknown[]) => Promise<void>,
  ) {}

  get pending(): number {
    return this.items.length - this.head;
  }

  /** Queues one event; false when the queue is full and the event was dropped. */
  push(record: unknown): boolean {
    if (this.pending >= this.limit()) return false;
    this.items.push(record);
    this.accepted++;
    if (!this.running) void this.pump();
    return true;
  }

  /** Resolves once every event accepted before this call has finished. */
  settled(): Promise<void> {
    if (this.finished >= this.accepted) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ upTo: this.accepted, resolve }));
  }

  /** Forgets what has not started yet (the registration is gone); returns how many. */
  clear(): number {
    const n = this.pending;
    this.items = [];
    this.head = 0;
    this.finished += n;
    this.wake();
    return n;
  }

  private async pump(): Promise<void> {
    this.running = true;
    while (this.pending > 0) {
      const end = Math.min(this.items.length, this.head + MAX_BATCH);
      const batch = this.items.slice(this.head, end);
      this.head = end;
      if (this.head === this.items.length) {
        this.items = [];
        this.head = 0;
      }
      try {
        await this.drain(batch);
      } finally {
        this.finished += batch.length;
        this.wake();
      }
    }
    this.running = false;
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) (this.finished >= w.upTo ? w.resolve : () => still.push(w))();
    this.waiters = still;
  }
}
