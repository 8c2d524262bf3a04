import type { StreamRecord } from '../../model/plan.js';
import { isInternalKey, patternOf, type Batch, type ReaderContext } from './context.js';
import { scanKeys } from './scan.js';

const PAGE = 1000;
const GLOB = /[*?[\]]/;

function fields(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}

/** Entries strictly after `afterId`, as RedisGears reads from `fromId`; Redis checks the id's form. */
async function* readStream(ctx: ReaderContext, key: string, afterId: string): AsyncGenerator<Batch> {
  let start = afterId === '-' ? '-' : `(${afterId}`;
  for (;;) {
    const page = (await ctx.redis.xrange(key, start, '+', 'COUNT', PAGE)) as Array<[string, string[]]>;
    if (page.length > 0) yield page.map(([id, flat]): StreamRecord => ({ key, id, value: fields(flat) }));
    if (page.length < PAGE) return;
    start = `(${page[page.length - 1][0]}`;
  }
}

/**
 * StreamReader in batch: the entries of the stream named by the argument (or of every stream
 * matching a glob) after `fromId`. A malformed id fails the read with Redis' own error text.
 */
export async function* streamReader(ctx: ReaderContext): AsyncGenerator<Batch> {
  const pattern = patternOf(ctx);
  const fromId = ctx.options.fromId === undefined ? '0-0' : String(ctx.options.fromId);
  if (!GLOB.test(pattern)) {
    if (!isInternalKey(pattern)) yield* readStream(ctx, pattern, fromId);
    return;
  }
  for await (const keys of scanKeys(ctx.redis, pattern, undefined, 'stream'))
    for (const key of keys) yield* readStream(ctx, key, fromId);
}
