import type { Batch, ReaderContext } from './context.js';

const CHUNK = 1000;

/** JavaScriptReader (RedisGears' PythonReader): the items of a generator function, sync or async. */
export async function* javaScriptReader(ctx: ReaderContext): AsyncGenerator<Batch> {
  const source = ctx.arg;
  const iterable = typeof source === 'function' ? (source as () => unknown)() : source;
  if (
    iterable === null ||
    typeof iterable !== 'object' ||
    !(Symbol.asyncIterator in iterable || Symbol.iterator in iterable)
  )
    throw new TypeError('JavaScriptReader needs a generator function (function* or async function*) or an iterable');
  let chunk: Batch = [];
  for await (const item of iterable as AsyncIterable<unknown>) {
    chunk.push(item);
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** ShardsIDReader: one record per shard, its id. */
export async function* shardsIdReader(ctx: ReaderContext): AsyncGenerator<Batch> {
  yield [ctx.shardId];
}

/** CommandReader run as a batch: one record, the arguments it was given. */
export async function* commandReader(ctx: ReaderContext): AsyncGenerator<Batch> {
  const args = ctx.options.args ?? (Array.isArray(ctx.arg) ? ctx.arg : ctx.arg === undefined ? [] : [ctx.arg]);
  yield [Array.from(args as unknown[], String)];
}
