import type { KeysRecord } from '../../model/plan.js';
import { isInternalKey, patternOf, type Batch, type ReaderContext } from './context.js';
import { prefetch, scanKeys } from './scan.js';
import { clusterRecords } from './cluster-reads.js';
import { readRecords } from './values.js';

async function* exactKey(ctx: ReaderContext, key: string): AsyncGenerator<string[]> {
  if (!isInternalKey(key) && (await ctx.redis.exists(key)) === 1) yield [key];
}

function keyBatches(ctx: ReaderContext, count?: number): AsyncIterable<string[]> {
  const pattern = patternOf(ctx);
  return ctx.options.noScan ? exactKey(ctx, pattern) : scanKeys(ctx.redis, pattern, count);
}

/** noScan reads the one key named, as RedisGears opens it: a key that does not exist is type 'empty'. */
async function* exactRecord(ctx: ReaderContext, key: string): AsyncGenerator<Batch> {
  if (isInternalKey(key)) return;
  if (ctx.options.readValue === false) return yield [{ key, value: null, type: null, event: null }];
  const [record] = await readRecords(ctx.redis, [key], ctx.clusterMode);
  yield [record ?? { key, value: null, type: 'empty', event: null }];
}

/** KeysReader: {key, value, type, event} for every key matching the pattern (or exactly the key, with noScan). */
export async function* keysReader(ctx: ReaderContext): AsyncGenerator<Batch> {
  if (ctx.options.noScan) return yield* exactRecord(ctx, patternOf(ctx));
  if (ctx.options.readValue === false) {
    for await (const batch of keyBatches(ctx))
      yield batch.map((key): KeysRecord => ({ key, value: null, type: null, event: null }));
    return;
  }
  if (ctx.clusterMode) return yield* clusterRecords(ctx.redis, patternOf(ctx));
  yield* prefetch(keyBatches(ctx), (batch) => readRecords(ctx.redis, batch, false));
}

/** KeysOnlyReader: the key names alone; `count` is the SCAN COUNT hint. */
export async function* keysOnlyReader(ctx: ReaderContext): AsyncGenerator<Batch> {
  const count = typeof ctx.options.count === 'number' && ctx.options.count > 0 ? ctx.options.count : undefined;
  yield* keyBatches(ctx, count);
}
