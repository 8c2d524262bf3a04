// Where clients reach each shard's gears server. Redis Cluster knows only the primaries' addresses
// (CLUSTER SLOTS, MOVED); a client that routes keys to the gears servers (src/client/cluster-route.ts)
// maps each primary to the gears server beside it with what each server stores under its shard here.
import type { Redis } from 'ioredis';
import { addressKey } from './keys.js';
import type { KeyReader } from './presence.js';
import type { Shard } from './topology.js';

export interface Listening {
  readonly host: string;
  readonly port: number;
}

/**
 * The address to announce for a listener: one bound to every interface (0.0.0.0, ::) is announced with
 * its primary's host, as a gears server runs beside its primary.
 */
export function announced(listening: Listening, primary: Pick<Shard, 'host'>): string {
  const wildcard = listening.host === '' || listening.host === '0.0.0.0' || listening.host === '::';
  const host = wildcard ? primary.host : listening.host;
  return `${host.includes(':') ? `[${host}]` : host}:${listening.port}`;
}

/** Stores this shard's gears server address; written again every topology refresh (a FLUSHALL removes it). */
export async function announce(redis: Redis, tag: string, address: string): Promise<void> {
  await redis.set(addressKey(tag), address).catch(() => undefined);
}

/** Each shard's announced gears server address, or null where none was announced. */
export async function readAddresses(reader: KeyReader, shards: readonly Shard[]): Promise<Map<string, string | null>> {
  const addresses = await Promise.all(shards.map((s) => reader.get(addressKey(s.tag)).catch(() => null)));
  return new Map(shards.map((s, i) => [s.id, addresses[i]]));
}
