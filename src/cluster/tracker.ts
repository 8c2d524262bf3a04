// The originator's view of the other shards of one execution: which took it up, which have reported
// their end and with what errors, and whether one of them failed or went away, which ends the
// execution everywhere. A watchdog looks every ExecutionMaxIdleTime, so a silent shard never
// leaves the execution hanging.
import { departedShard, stoppedAnswering, type KeyReader } from './presence.js';
import type { Message } from './messages.js';
import { describeShard, type Shard } from './topology.js';

type Done = Extract<Message, { type: 'done' }>;

export class PeerTracker {
  private readonly waiting: Map<string, Shard>;
  private readonly accepted = new Set<string>();
  private readonly errors: string[] = [];
  private readonly started = Date.now();
  private failure: string | undefined;
  private settle: (() => void) | undefined;
  private readonly settled: Promise<void>;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    peers: readonly Shard[],
    private readonly runIds: Readonly<Record<string, string>>,
    private readonly presence: KeyReader,
    private readonly idleMs: number,
    /** Called once, when a shard failed or went away while this one may still be running. */
    private readonly onFailure: (reason: string) => void,
  ) {
    this.waiting = new Map(peers.map((p) => [p.id, p]));
    this.settled = new Promise((resolve) => (this.settle = resolve));
    if (this.waiting.size === 0) this.settle!();
    else {
      this.timer = setInterval(() => void this.watch(), Math.max(idleMs, 1));
      this.timer.unref();
    }
  }

  /** Shards that have not reported their end yet. */
  get pending(): Shard[] {
    return [...this.waiting.values()];
  }

  accept(from: string): void {
    this.accepted.add(from);
  }

  report(message: Done): void {
    const shard = this.waiting.get(message.from);
    if (!shard) return;
    this.waiting.delete(message.from);
    if (message.status === 'done') this.errors.push(...message.errors);
    else this.fail(`${describeShard(shard)} ${message.status}: ${message.errors.join('; ') || 'no reason given'}`);
    if (this.waiting.size === 0) this.end();
  }

  /** Resolves with the other shards' errors once all have ended; rejects if one failed or went away. */
  async wait(): Promise<string[]> {
    await this.settled;
    if (this.failure !== undefined) throw new Error(this.failure);
    return this.errors;
  }

  /** Stops watching (the execution ended on this shard for its own reasons). */
  end(): void {
    clearInterval(this.timer);
    this.settle?.();
  }

  private async watch(): Promise<void> {
    if (this.checking || this.failure !== undefined) return;
    this.checking = true;
    try {
      const silent = this.pending.find((s) => !this.accepted.has(s.id));
      if (silent && Date.now() - this.started >= this.idleMs)
        return this.fail(
          `${describeShard(silent)} did not take up the execution within ${this.idleMs} ms (ExecutionMaxIdleTime)`,
        );
      const gone = await departedShard(this.presence, this.pending, this.runIds);
      if (gone) this.fail(stoppedAnswering(gone, this.idleMs));
    } finally {
      this.checking = false;
    }
  }

  private fail(reason: string): void {
    if (this.failure !== undefined) return;
    this.failure = reason;
    this.onFailure(reason);
    this.end();
  }
}
