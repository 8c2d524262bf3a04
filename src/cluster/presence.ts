// Whether a shard has a live gears server: each server keeps its run id under a key of its own
// shard with a short expiry, renewed by a heartbeat. A missing or changed run id means the server
// is gone or was restarted, which is how an execution learns that a shard will never answer.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { presenceKey } from './keys.js';
import { describeShard, type Shard } from './topology.js';

export const PRESENCE_TTL_MS = 3000;
export const BEAT_MS = 1000;

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

/**
 * Every shard's gears server run id. A missing one is read again after a heartbeat, since a
 * FLUSHALL removes the keys that the servers write back within a beat.
 */
export async function liveRunIds(reader: KeyReader, shards: readonly Shard[]): Promise<Map<string, string | null>> {
  const runIds = await readRunIds(reader, shards);
  if (shards.every((s) => runIds.get(s.id))) return runIds;
  await new Promise((r) => setTimeout(r, BEAT_MS + 100));
  return readRunIds(reader, shards);
}

/**
 * The first of `shards` whose gears server is gone or was restarted since `runIds` were read, with
 * how (read as liveRunIds does).
 */
export async function departedShard(
  reader: KeyReader,
  shards: readonly Shard[],
  runIds: Readonly<Record<string, string>>,
): Promise<{ shard: Shard; what: string } | undefined> {
  const now = await liveRunIds(reader, shards);
  for (const shard of shards) {
    const runId = now.get(shard.id);
    if (runId === runIds[shard.id]) continue;
    return { shard, what: runId ? 'its gears server restarted' : 'it has no gears server any more' };
  }
  return undefined;
}

export function stoppedAnswering(gone: { shard: Shard; what: string }, idleMs: number): string {
  return `${describeShard(gone.shard)} stopped answering: nothing from it for ${idleMs} ms (ExecutionMaxIdleTime) and ${gone.what}`;
}
