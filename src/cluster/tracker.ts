// The originator's view of the other shards of one execution: which have reported their end, with
// what errors, and whether one of them failed or went away (which ends the execution everywhere).
import { readRunIds, type KeyReader } from './presence.js';
import type { Message } from './messages.js';
import { describeShard, type Shard } from './topology.js';

type Done = Extract<Message, { type: 'done' }>;

export class PeerTracker {
  private readonly waiting: Map<string, Shard>;
  private readonly errors: string[] = [];
  private failure: string | undefined;
  private wake: (() => void) | undefined;

  constructor(
    peers: readonly Shard[],
    private readonly runIds: Readonly<Record<string, string>>,
    private readonly presence: KeyReader,
    private readonly idleMs: () => number,
    /** Called once, when a shard failed while this one may still be running. */
    private readonly onFailure: (reason: string) => void,
  ) {
    this.waiting = new Map(peers.map((p) => [p.id, p]));
  }

  /** Shards that have not reported their end yet. */
  get pending(): Shard[] {
    return [...this.waiting.values()];
  }

  report(message: Done): void {
    const shard = this.waiting.get(message.from);
    if (!shard) return;
    this.waiting.delete(message.from);
    if (message.status === 'done') this.errors.push(...message.errors);
    else this.fail(`${describeShard(shard)} ${message.status}: ${message.errors.join('; ') || 'no reason given'}`);
    this.wake?.();
  }

  /** Resolves with the other shards' errors once all have ended; rejects if one failed or went away. */
  async wait(): Promise<string[]> {
    let heard = Date.now();
    let before = this.waiting.size;
    for (;;) {
      if (this.failure !== undefined) throw new Error(this.failure);
      if (this.waiting.size === 0) return this.errors;
      if (this.waiting.size !== before) {
        before = this.waiting.size;
        heard = Date.now();
      }
      const idle = Math.max(this.idleMs(), 1);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, idle);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      if (this.waiting.size === before && Date.now() - heard >= idle) {
        await this.checkAlive(idle);
        heard = Date.now();
      }
    }
  }

  private async checkAlive(idle: number): Promise<void> {
    const now = await readRunIds(this.presence, this.pending);
    for (const shard of this.pending) {
      const runId = now.get(shard.id);
      if (runId === this.runIds[shard.id]) continue;
      const what = runId ? 'its gears server restarted' : 'it has no gears server any more';
      this.fail(
        `${describeShard(shard)} stopped answering: nothing from it for ${idle} ms (ExecutionMaxIdleTime) and ${what}`,
      );
      return;
    }
  }

  private fail(reason: string): void {
    if (this.failure !== undefined) return;
    this.failure = reason;
    this.onFailure(reason);
  }
}
