// Whether the Redis beside a gears server is a primary or a replica (and of which primary), from
// ROLE, which Redis answers with or without cluster mode. A gears server beside a replica stands by:
// it serves nothing that writes, and takes over its shard when the replica is promoted.
import type { Redis } from 'ioredis';
import { localLink } from './links.js';

export type RedisRole = { readonly kind: 'primary' } | { readonly kind: 'replica'; readonly primary: string };

export async function readRole(redis: Redis): Promise<RedisRole> {
  const reply = (await redis.call('ROLE')) as unknown[];
  if (String(reply[0]) !== 'slave') return { kind: 'primary' };
  return { kind: 'replica', primary: `${String(reply[1])}:${String(reply[2])}` };
}

/**
 * The role of the Redis at `redisUrl`, refusing a replica unless `standby`, before anything starts on
 * it; undefined for a Redis that cannot be reached yet (the engine waits for it, and the role is acted
 * on once it answers).
 */
export async function checkRole(redisUrl: string, standby = false): Promise<RedisRole | undefined> {
  const redis = localLink(redisUrl, 'gearbox-check');
  try {
    const role = await readRole(redis);
    if (role.kind === 'replica' && !standby) throw replicaRefusal(redisUrl);
    return role;
  } catch (err) {
    if (err instanceof ReplicaError) throw err;
    return undefined;
  } finally {
    redis.disconnect();
  }
}

/** Refusing to attach to a replica without --standby: a gears server there could not write. */
export class ReplicaError extends Error {}

export function replicaRefusal(redisUrl: string): ReplicaError {
  return new ReplicaError(
    `the Redis at ${redisUrl} is a replica: point --redis at a primary, or pass --standby to stand by beside it ` +
      `(the gears server takes over its shard if the replica is promoted)`,
  );
}

/** Redis' READONLY, for a write sent to a stand-by: which primary's gears server to send it to instead. */
export function standbyRefusal(primary: string): string {
  return (
    `READONLY this gears server stands by beside a replica of ${primary}: send this to the gears server of ` +
    `that primary (this one takes over if the replica is promoted)`
  );
}
