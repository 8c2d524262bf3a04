import calculateSlot from 'cluster-key-slot';
import type { Redis } from 'ioredis';
import type { KeysRecord } from '../../model/plan.js';
import { unpack } from './msgpack.js';
import { SCAN_COUNT } from './scan.js';
import { recordsOf } from './values.js';

// How a cluster shard reads KeysReader records. MGET cannot span slots there, and a SCAN batch sits in
// about as many slots as it has keys, so the single instance's SCAN + MGET does not carry over. Two
// scripts, each answering [next position, packed [keys, string values (false for any other type)]]:
//
// - BY_SLOT walks the slots with CLUSTER GETKEYSINSLOT and reads each slot's keys with one MGET.
//   Used when the pattern is a literal prefix and `*` (the common `user:*`, `*`); the prefix is
//   compared in Lua. Per key, Redis does about what the single instance's SCAN MATCH + MGET does, and
//   much less than a GET (or TYPE and GET) per key from a script (measured per shard, BENCHMARKS.md,
//   cluster section). A call looks at SLOTS_PER_CALL slots at most, and a slot with more than BIG_SLOT
//   keys is skipped and reported, so one call never holds Redis long; the big slots are read
//   afterwards with SCAN. Where scripts may not run CLUSTER (an ACL rule), BY_SCAN serves every pattern.
// - BY_SCAN, for any other pattern: SCAN MATCH, then a GET per key inside Redis.
//
// The keys never travel back to Redis; only keys GET refused (other types) cost a second call. Keys and
// values come back packed with cmsgpack in one bulk string, which Node decodes in less than half the
// time ioredis takes over the same values as a RESP array (it decodes one element at a time).
const BY_SLOT = `
local prefix, slot, want, big = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local stop = math.min(16384, slot + tonumber(ARGV[5]))
local n = #prefix
local keys, values, skipped = {}, {}, {}
while slot < stop and #keys < want do
  local inslot = redis.call('CLUSTER', 'GETKEYSINSLOT', slot, big + 1)
  if #inslot > big then
    skipped[#skipped + 1] = slot
  elseif #inslot > 0 then
    local mine = {}
    for i = 1, #inslot do
      local k = inslot[i]
      if n == 0 or string.sub(k, 1, n) == prefix then mine[#mine + 1] = k end
    end
    if #mine > 0 then
      local got = redis.call('MGET', unpack(mine))
      for i = 1, #mine do
        keys[#keys + 1] = mine[i]
        values[#keys] = got[i]
      end
    end
  end
  slot = slot + 1
end
return {tostring(slot), cmsgpack.pack({keys, values}), skipped}`;

const BY_SCAN = `
local reply = redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', ARGV[3])
local keys = reply[2]
local values = {}
for i = 1, #keys do
  local v = redis.pcall('GET', keys[i])
  if type(v) == 'table' then v = false end
  values[i] = v
end
return {reply[1], cmsgpack.pack({keys, values})}`;

/** Below Lua's limit on `unpack` (about 8,000 values). */
const BIG_SLOT = 5000;
/** Slots one call looks at, at most: a shard serves about a third of them, the others are empty here. */
const SLOTS_PER_CALL = 1024;
const SLOTS = 16384;

type RawReply = [Buffer, Buffer, number[]?];
type Reply = [string, string[], Array<string | null>, number[]?];
type WithScripts = Redis & {
  gearboxBySlotBuffer(prefix: string, slot: string, want: number, big: number, slots: number): Promise<RawReply>;
  gearboxByScanBuffer(cursor: string, pattern: string, count: number): Promise<RawReply>;
};

async function unpacked(raw: Promise<RawReply>): Promise<Reply> {
  const [position, packed, skipped] = await raw;
  const [keys, values] = unpack(packed) as [string[], Array<string | null>];
  return [position.toString(), keys, values, skipped];
}

// per connection: may its scripts call CLUSTER GETKEYSINSLOT? (asked once, with one call on one slot)
const slotsAllowed = new WeakMap<Redis, Promise<boolean>>();

function scripts(redis: Redis): WithScripts {
  if (!('gearboxBySlot' in redis)) {
    redis.defineCommand('gearboxBySlot', { numberOfKeys: 0, lua: BY_SLOT });
    redis.defineCommand('gearboxByScan', { numberOfKeys: 0, lua: BY_SCAN });
  }
  return redis as WithScripts;
}

function canReadBySlot(redis: WithScripts): Promise<boolean> {
  let allowed = slotsAllowed.get(redis);
  if (!allowed) {
    allowed = redis.gearboxBySlotBuffer('', String(SLOTS - 1), 1, 0, 1).then(
      () => true,
      () => false,
    );
    slotsAllowed.set(redis, allowed);
  }
  return allowed;
}

/** The literal before a pattern's only `*`, when that `*` ends it and nothing else is special. */
function literalPrefix(pattern: string): string | undefined {
  if (!pattern.endsWith('*')) return undefined;
  const prefix = pattern.slice(0, -1);
  return /[*?[\]\\]/.test(prefix) ? undefined : prefix;
}

/**
 * Runs `call` from position `first` until it answers `last`; the next call is sent as soon as a
 * position arrives, so Redis reads batch i+1 while Node handles batch i.
 */
async function* batches(
  call: (position: string) => Promise<Reply>,
  first: string,
  last: string,
  seen: (reply: Reply) => void = () => undefined,
): AsyncGenerator<[string[], Array<string | null>]> {
  let next = call(first);
  try {
    for (;;) {
      const reply = await next;
      if (reply[0] !== last) next = call(reply[0]);
      seen(reply);
      if (reply[1].length > 0) yield [reply[1], reply[2]];
      if (reply[0] === last) return;
    }
  } finally {
    next.catch(() => undefined); // a consumer that stops early leaves one call in flight
  }
}

/** KeysReader records of the keys matching `pattern` on this cluster shard, a batch at a time. */
export async function* clusterRecords(redis: Redis, pattern: string, count = SCAN_COUNT): AsyncGenerator<KeysRecord[]> {
  const s = scripts(redis);
  const byScan = (cursor: string) => unpacked(s.gearboxByScanBuffer(cursor, pattern, count));
  const literal = literalPrefix(pattern);
  const prefix = literal !== undefined && (await canReadBySlot(s)) ? literal : undefined;
  const big = new Set<number>();
  const source =
    prefix === undefined
      ? batches(byScan, '0', '0')
      : batches(
          (slot) => unpacked(s.gearboxBySlotBuffer(prefix, slot, count, BIG_SLOT, SLOTS_PER_CALL)),
          '0',
          String(SLOTS),
          (reply) => {
            for (const slot of reply[3] ?? []) big.add(slot);
          },
        );
  for await (const [keys, values] of source) {
    const records = await recordsOf(redis, keys, values);
    if (records.length > 0) yield records;
  }
  if (big.size === 0) return;
  // the slots too big for one call: SCAN the shard and keep their keys only
  for await (const [keys, values] of batches(byScan, '0', '0')) {
    const keep = keys.map((key) => big.has(calculateSlot(key)));
    const records = await recordsOf(
      redis,
      keys.filter((_, i) => keep[i]),
      values.filter((_, i) => keep[i]),
    );
    if (records.length > 0) yield records;
  }
}
