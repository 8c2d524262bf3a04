// A gears server's inbox: a stream under its shard's hash tag that peers append control messages
// to, read here with a blocking XREAD on the local primary. Sending is an XADD through the Redis
// Cluster client, which delivers it to whichever primary owns the receiver's tag.
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';
import { inboxKey } from './keys.js';
import type { Message } from './messages.js';
import { sendWithRetries, type RetryPolicy } from './retry.js';
import { describeShard, type Shard } from './topology.js';

const INBOX_MAXLEN = 10_000;
const BLOCK_MS = 1000;

export class Mailbox {
  private stopped = false;
  /** Settles on stop(): a read queued on a connection that is reconnecting would never settle after disconnect(). */
  private halt: (() => void) | undefined;
  private readonly halted = new Promise<null>((resolve) => (this.halt = () => resolve(null)));
  private readonly pending = new Map<string, number>();
  private loop: Promise<void> | undefined;

  constructor(
    /** A connection of its own: the blocking read holds it. */
    private readonly local: Redis,
    private readonly cluster: Cluster,
    /** The tag of this shard's inbox; changes when the shard's lowest slot does. */
    private readonly tag: () => string | undefined,
    /** SendMsgRetries and ExecutionMaxIdleTime, read at each send. */
    private readonly policy: () => RetryPolicy,
    /** `tag`: the inbox it came through, which tells a message meant for this shard from a stale one. */
    private readonly onMessage: (message: Message, tag: string) => void,
    private readonly log: Logger,
  ) {}

  /** Starts reading; resolves once the inbox position is fixed, so every later message is seen. */
  async start(): Promise<void> {
    const tag = this.tag();
    const last = tag === undefined ? '0-0' : await this.lastId(inboxKey(tag));
    this.loop = this.read(tag, last);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.halt!();
    this.local.disconnect();
    await this.loop;
  }

  /** Messages to `shard` not yet accepted by its Redis (RG.INFOCLUSTER's pendingMessages). */
  pendingTo(shardId: string): number {
    return this.pending.get(shardId) ?? 0;
  }

  /** Appends a message to a shard's inbox, sending it up to SendMsgRetries times in all (src/cluster/retry.ts). */
  async send(shard: Shard, message: Message): Promise<void> {
    this.pending.set(shard.id, this.pendingTo(shard.id) + 1);
    try {
      await sendWithRetries(
        this.policy(),
        async () => {
          await this.cluster.xadd(inboxKey(shard.tag), 'MAXLEN', '~', INBOX_MAXLEN, '*', 'm', JSON.stringify(message));
        },
        (tries, last) => new Error(`cannot reach ${describeShard(shard)} after ${tries}: ${last.message}`),
      );
    } finally {
      this.pending.set(shard.id, this.pendingTo(shard.id) - 1);
    }
  }

  private async read(tag: string | undefined, last: string): Promise<void> {
    while (!this.stopped) {
      const current = this.tag();
      if (current === undefined) {
        await this.pause();
        continue;
      }
      try {
        if (current !== tag) {
          // a new inbox (the shard's lowest slot moved): peers that saw the change first may have written already
          last = '0-0';
          tag = current;
        }
        const reply = (await Promise.race([
          this.local.xread('BLOCK', BLOCK_MS, 'STREAMS', inboxKey(tag), last),
          this.halted,
        ])) as Array<[string, Array<[string, string[]]>]> | null;
        if (this.stopped) return;
        for (const [id, fields] of reply?.[0][1] ?? []) {
          last = id;
          this.deliver(fields[1], tag);
        }
      } catch (err) {
        if (this.stopped) return;
        this.log.debug({ err: (err as Error).message }, 'reading the inbox failed; retrying');
        await this.pause();
      }
    }
  }

  private pause(): Promise<unknown> {
    return Promise.race([new Promise((r) => setTimeout(r, BLOCK_MS).unref()), this.halted]);
  }

  /** The id of a stream's newest entry: reading on from it misses nothing, unlike re-reading from '$'. */
  private async lastId(key: string): Promise<string> {
    const newest = (await this.local.xrevrange(key, '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
    return newest[0]?.[0] ?? '0-0';
  }

  private deliver(text: string, tag: string): void {
    try {
      this.onMessage(JSON.parse(text) as Message, tag);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'dropped an inbox message that could not be handled');
    }
  }
}
