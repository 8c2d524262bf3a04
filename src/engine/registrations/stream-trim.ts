import type { Redis } from 'ioredis';

// trimStream removes what every consumer group of the stream is done with, not only what this
// registration acknowledged: each registration has a group of its own, and other applications may
// read the stream with theirs. For each group, the first entry it still needs is its oldest pending
// one, or else the one after its last delivered id; XTRIM MINID drops everything before the
// smallest of those. One script, so no entry is delivered between the look and the trim.
const TRIM_PROCESSED = `
local function parse(id)
  local dash = string.find(id, '-', 1, true)
  return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
end
local function less(a, b)
  local am, as = parse(a)
  local bm, bs = parse(b)
  return am < bm or (am == bm and as < bs)
end
local ok, groups = pcall(redis.call, 'XINFO', 'GROUPS', KEYS[1])
if not ok then return 0 end
local keep = nil
for _, group in ipairs(groups) do
  local fields = {}
  for i = 1, #group, 2 do fields[group[i]] = group[i + 1] end
  local first
  if tonumber(fields['pending']) > 0 then
    first = redis.call('XPENDING', KEYS[1], fields['name'])[2]
  else
    local ms, seq = parse(fields['last-delivered-id'])
    first = string.format('%.0f-%.0f', ms, seq + 1)
  end
  if keep == nil or less(first, keep) then keep = first end
end
if keep == nil then return 0 end
return redis.call('XTRIM', KEYS[1], 'MINID', keep)`;

type WithTrim = Redis & { gearboxTrimProcessed(key: string): Promise<number> };

/** Trims `key` up to what all its consumer groups have processed; returns the number of entries removed. */
export function trimProcessed(redis: Redis, key: string): Promise<number> {
  if (!('gearboxTrimProcessed' in redis))
    redis.defineCommand('gearboxTrimProcessed', { numberOfKeys: 1, lua: TRIM_PROCESSED });
  return (redis as WithTrim).gearboxTrimProcessed(key);
}
