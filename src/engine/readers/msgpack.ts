import { Unpackr } from 'msgpackr';

// Decodes what Redis' Lua `cmsgpack.pack` makes of a shard's batch: one bulk reply per batch instead
// of thousands of RESP elements, which ioredis decodes one by one at several times the cost
// (BENCHMARKS.md, cluster section). msgpackr decoded such a batch about three times faster than a
// reader written here.

export type Packed = string | null | Packed[];

// records and Maps are msgpackr's extensions, never in what cmsgpack packs
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

/** Lua's `false` (a missing key) reads as null; an empty Lua table, which cmsgpack may pack as a map, as []. */
function normal(value: unknown): Packed {
  if (value === false || value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = normal(value[i]);
    return value as Packed[];
  }
  if (typeof value === 'object' && Object.keys(value).length === 0) return [];
  throw new Error(`unexpected ${typeof value} in a packed batch: the script that packed it is wrong`);
}

export function unpack(buf: Buffer): Packed {
  return normal(unpackr.unpack(buf));
}
