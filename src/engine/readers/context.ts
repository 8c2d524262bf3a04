import type { Redis } from 'ioredis';
import type { RunOptions } from '../../model/plan.js';

export type Batch = unknown[];

export interface ReaderContext {
  readonly redis: Redis;
  readonly shardId: string;
  /** The reader's argument: run()'s arg, else GB's defaultArg. */
  readonly arg: unknown;
  readonly options: RunOptions;
  /** True on a cluster shard: multi-key commands must not cross slots there. */
  readonly clusterMode: boolean;
}

export type Reader = (ctx: ReaderContext) => AsyncIterable<Batch>;

/** gearbox keeps its own state under this prefix; readers never show it to functions. */
export const INTERNAL_PREFIX = '__gearbox:';

export function isInternalKey(key: string): boolean {
  return key.startsWith(INTERNAL_PREFIX) || key.startsWith(`{${INTERNAL_PREFIX}`);
}

export function patternOf(ctx: ReaderContext, fallback = '*'): string {
  const arg = ctx.arg;
  if (arg === undefined || arg === null) return fallback;
  if (typeof arg !== 'string')
    throw new TypeError(`the reader's argument must be a key pattern string, got ${typeof arg}`);
  return arg;
}
