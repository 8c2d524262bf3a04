import type { Redis } from 'ioredis';
import type { KeyType, KeysRecord } from '../../model/plan.js';
import { isInternalKey } from './context.js';

// One script call reads type and value of every non-string key of a batch: the fastest generic
// way measured (BENCHMARKS.md, "Batch gear functions"). Keys travel in ARGV, not KEYS, so a batch may span slots on a shard.
const READ_TYPED = `
local out = {}
for i = 1, #ARGV do
  local k = ARGV[i]
  local t = redis.call('TYPE', k).ok
  local v = false
  if t == 'string' then v = redis.call('GET', k)
  elseif t == 'hash' then v = redis.call('HGETALL', k)
  elseif t == 'list' then v = redis.call('LRANGE', k, 0, -1)
  elseif t == 'set' then v = redis.call('SMEMBERS', k)
  elseif t == 'zset' then v = redis.call('ZRANGE', k, 0, -1, 'WITHSCORES')
  elseif t == 'stream' then v = redis.call('XRANGE', k, '-', '+')
  end
  out[#out + 1] = t
  out[#out + 1] = v
end
return out`;

type WithScripts = Redis & { gearboxReadTyped(...keys: string[]): Promise<unknown[]> };

export function installScripts(redis: Redis): void {
  if (!('gearboxReadTyped' in redis)) redis.defineCommand('gearboxReadTyped', { numberOfKeys: 0, lua: READ_TYPED });
}

function pairs(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}

/** Turns a raw Redis reply for a key of type `type` into the contract's value shape. */
export function shapeValue(type: string, raw: unknown): unknown {
  switch (type) {
    case 'hash':
      return pairs(raw as string[]);
    case 'zset': {
      const flat = raw as string[];
      const out: Array<[string, number]> = [];
      for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], Number(flat[i + 1])]);
      return out;
    }
    case 'stream':
      return (raw as Array<[string, string[]]>).map(([id, fields]) => ({ id, value: pairs(fields) }));
    default:
      return raw;
  }
}

/** `[type, raw value, type, raw value, ...]` for `keys`, in one call; a missing key has type 'none'. */
export function readTypedRaw(redis: Redis, keys: string[]): Promise<unknown[]> {
  installScripts(redis);
  return (redis as WithScripts).gearboxReadTyped(...keys);
}

/** Records with type and value for keys of any type; keys gone since the scan are left out. */
export async function readTyped(redis: Redis, keys: string[]): Promise<KeysRecord[]> {
  const reply = await readTypedRaw(redis, keys);
  const out: KeysRecord[] = [];
  for (let i = 0; i < keys.length; i++) {
    const type = reply[2 * i] as string;
    if (type === 'none') continue;
    out.push({ key: keys[i], value: shapeValue(type, reply[2 * i + 1]), type: type as KeyType, event: null });
  }
  return out;
}

/**
 * Records of `keys` given their string values (nil for a key of another type, or one gone since it was
 * listed): only the nils go through the typed script, which leaves out the keys that are gone.
 */
export async function recordsOf(redis: Redis, keys: string[], values: Array<string | null>): Promise<KeysRecord[]> {
  const out: KeysRecord[] = [];
  let others: string[] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const value = values[i];
    if (isInternalKey(key)) continue;
    if (value === null) (others ??= []).push(key);
    else out.push({ key, value, type: 'string', event: null });
  }
  if (others) for (const record of await readTyped(redis, others)) out.push(record);
  return out;
}

/**
 * Strings come in one MGET; on a cluster shard MGET would fail across slots, so everything takes the
 * typed script (the cluster's KeysReader reads by slot instead, see cluster-reads.ts).
 */
export async function readRecords(redis: Redis, keys: string[], clusterMode: boolean): Promise<KeysRecord[]> {
  if (clusterMode) return readTyped(redis, keys);
  return recordsOf(redis, keys, await redis.mget(keys));
}
