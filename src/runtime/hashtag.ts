import calculateSlot from 'cluster-key-slot';

const cache = new Map<number, string>();

/**
 * The shortest base-36 string whose CRC16 slot is `slot`. A search, because no inverse of the
 * slot function exists; about 16k tries at worst, cached per slot.
 */
export function tagForSlot(slot: number): string {
  const hit = cache.get(slot);
  if (hit !== undefined) return hit;
  for (let i = 0; ; i++) {
    const candidate = i.toString(36);
    if (calculateSlot(candidate) === slot) {
      cache.set(slot, candidate);
      return candidate;
    }
  }
}

/** RedisGears' hashtag(): a tag mapping to the lowest slot this shard serves (slot 0 outside a cluster). */
export function makeHashtag(lowestSlot: () => number): { hashtag: () => string; hashtag3: () => string } {
  const hashtag = () => tagForSlot(lowestSlot());
  return { hashtag, hashtag3: () => `{${hashtag()}}` };
}
