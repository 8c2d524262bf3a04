// Whether a shard has a live gears server: each server keeps its run id under a key of its own
// shard with a short expiry, renewed by a heartbeat. A missing or changed run id means the server
// is gone or was restarted, which is how an execution learns that a shard will never answer.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { presenceKey } from './keys.js';
import type { Shard } from './topology.js';

export const PRESENCE_TTL_MS = 3000;
const BEAT_MS = 1000;

/** What reading presence needs: a GET that reaches the shard owning the key. */
export interface KeyReader {
  get(key: string): Promise<string | null>;
}

/** A fresh RedisGears-style run id (40 hex) for this gears server process. */
export function newRunId(): string {
  return randomBytes(20).toString('hex');
}

export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    readonly runId: string,
    private readonly tag: () => string | undefined,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), BEAT_MS);
    this.timer.unref();
  }

  /** Stops beating and removes the key, so peers learn at once that this server left. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    const tag = this.tag();
    if (tag !== undefined) await this.redis.del(presenceKey(tag)).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    const tag = this.tag();
    if (tag === undefined) return;
    await this.redis.set(presenceKey(tag), this.runId, 'PX', PRESENCE_TTL_MS).catch(() => undefined);
  }
}

/** Each shard's gears server run id, or null where none is alive. */
export async function readRunIds(reader: KeyReader, shards: readonly Shard[]): Promise<Map<string, string | null>> {
  const ids = await Promise.all(shards.map((s) => reader.get(presenceKey(s.tag)).catch(() => null)));
  return new Map(shards.map((s, i) => [s.id, ids[i]]));
}
