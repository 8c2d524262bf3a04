import type { Redis } from 'ioredis';
import { isInternalKey } from './context.js';

/** Bigger than the usual 1000: fewer round trips, and a batch of keys still fits easily in memory. */
export const SCAN_COUNT = 2000;

/**
 * SCAN batches of keys. The next SCAN is sent as soon as a cursor arrives, before the caller has
 * used the current keys, so Redis works on it while Node processes the batch.
 */
export async function* scanKeys(
  redis: Redis,
  pattern: string,
  count = SCAN_COUNT,
  type?: string,
): AsyncGenerator<string[]> {
  const extra = type ? ['TYPE', type] : [];
  const scan = (cursor: string) => redis.scan(cursor, 'MATCH', pattern, 'COUNT', count, ...(extra as []));
  let next = scan('0');
  for (;;) {
    const [cursor, keys] = await next;
    if (cursor !== '0') next = scan(cursor);
    const visible = keys.some(isInternalKey) ? keys.filter((k) => !isInternalKey(k)) : keys;
    if (visible.length > 0) yield visible;
    if (cursor === '0') return;
  }
}

/**
 * Keeps one fetch in flight ahead of the consumer: while the caller works on batch i, batch i+1's
 * values are already on their way.
 */
export async function* prefetch<T, U>(source: AsyncIterable<T>, fetch: (item: T) => Promise<U>): AsyncGenerator<U> {
  let pending: Promise<U> | undefined;
  try {
    for await (const item of source) {
      const current = fetch(item);
      current.catch(() => undefined); // awaited below; this only keeps it from counting as unhandled meanwhile
      if (pending) yield await pending;
      pending = current;
    }
    if (pending) yield await pending;
  } finally {
    pending?.catch(() => undefined);
  }
}
