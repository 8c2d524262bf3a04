// The eighteen RedisGears operations, written once. The immutable OpenGearFunction and the mutable
// GearsBuilder differ only in what `appendStep` does (copy or mutate), so both extend this class and
// each operation's signature, defaults and record typing live here alone.
import type { GearsBuilder } from './builder.js';
import type { OpenGearFunction } from './gear-function.js';
import type { GroupRecord, Step } from './plan.js';
import type { Flattened, MaybePromise, OpOptions } from './types.js';

/** What an operation returns for each kind of chain: a new function, or the same builder. */
export interface ChainKinds<T, R> {
  open: OpenGearFunction<T, R>;
  builder: GearsBuilder<T, R>;
}

export type ChainKind = keyof ChainKinds<unknown, unknown>;

type Next<K extends ChainKind, T, R> = ChainKinds<T, R>[K];

// RedGrease's defaults for operations whose callback may be left out. They must stay free of
// captured variables, since they travel as source like any user callback.
const identity = (record: unknown) => record;
const listAccumulator = (acc: unknown[] | undefined, record: unknown) => {
  const list = acc ?? [];
  list.push(record);
  return list;
};

export abstract class Operations<T, R, K extends ChainKind> {
  /** Low level: add one plan step as is (the typed operations below all come here). */
  abstract appendStep<U>(step: Step, opts?: OpOptions): Next<K, U, R>;

  /** One-to-one mapping. */
  map<U>(fn: (record: T) => MaybePromise<U>, opts?: OpOptions): Next<K, Awaited<U>, R> {
    return this.appendStep({ op: 'map', fn }, opts);
  }

  /** One-to-many: an iterable's items become records; a string or non-iterable stays one record. */
  flatmap(): Next<K, Flattened<T>, R>;
  flatmap<U>(fn: (record: T) => MaybePromise<U>, opts?: OpOptions): Next<K, Flattened<Awaited<U>>, R>;
  flatmap(fn: (record: T) => unknown = identity, opts?: OpOptions): unknown {
    return this.appendStep({ op: 'flatmap', fn }, opts);
  }

  /** Runs `fn` for its effect; the record passes on unchanged. */
  foreach(fn: (record: T) => unknown, opts?: OpOptions): Next<K, T, R> {
    return this.appendStep({ op: 'foreach', fn }, opts);
  }

  /** Keeps records for which `fn` is truthy (by default, truthy records). */
  filter(fn: (record: T) => unknown = identity, opts?: OpOptions): Next<K, T, R> {
    return this.appendStep({ op: 'filter', fn }, opts);
  }

  /** Many-to-one on each shard; `acc` is undefined at first. By default collects records into a list. */
  accumulate(): Next<K, T[], R>;
  accumulate<A>(fn: (acc: A | undefined, record: T) => MaybePromise<A>, opts?: OpOptions): Next<K, Awaited<A>, R>;
  accumulate(fn: (acc: any, record: T) => unknown = listAccumulator, opts?: OpOptions): unknown {
    return this.appendStep({ op: 'accumulate', fn }, opts);
  }

  /** Groups and reduces on each shard, without moving records. */
  localgroupby<Key, A>(
    extractor: (record: T) => MaybePromise<Key>,
    reducer: (key: Key, acc: A | undefined, record: T) => MaybePromise<A>,
    opts?: OpOptions,
  ): Next<K, GroupRecord<Key, Awaited<A>>, R> {
    return this.appendStep({ op: 'localgroupby', extractor, reducer }, opts);
  }

  /** At most `length` records, skipping the first `start`. */
  limit(length: number, start = 0, opts?: OpOptions): Next<K, T, R> {
    return this.appendStep({ op: 'limit', length, start }, opts);
  }

  /** Brings every shard's records to the shard that started the execution. */
  collect(opts?: OpOptions): Next<K, T, R> {
    return this.appendStep({ op: 'collect' }, opts);
  }

  /** Moves each record to the shard owning the key `extractor` returns. */
  repartition(extractor: (record: T) => MaybePromise<string>, opts?: OpOptions): Next<K, T, R> {
    return this.appendStep({ op: 'repartition', extractor }, opts);
  }

  /** Aggregates locally from `zero` with `seqOp`, then combines the shards' results with `combOp`. */
  aggregate<A>(
    zero: A,
    seqOp: (acc: A, record: T) => MaybePromise<A>,
    combOp: (acc: A, record: A) => MaybePromise<A>,
    opts?: OpOptions,
  ): Next<K, A, R> {
    return this.appendStep({ op: 'aggregate', zero, seqOp, combOp }, opts);
  }

  /** `aggregate` per key. */
  aggregateby<Key, A>(
    extractor: (record: T) => MaybePromise<Key>,
    zero: A,
    seqOp: (key: Key, acc: A, record: T) => MaybePromise<A>,
    combOp: (key: Key, acc: A, record: A) => MaybePromise<A>,
    opts?: OpOptions,
  ): Next<K, GroupRecord<Key, A>, R> {
    return this.appendStep({ op: 'aggregateby', extractor, zero, seqOp, combOp }, opts);
  }

  /** Repartitions by key, then reduces each group. */
  groupby<Key, A>(
    extractor: (record: T) => MaybePromise<Key>,
    reducer: (key: Key, acc: A | undefined, record: T) => MaybePromise<A>,
    opts?: OpOptions,
  ): Next<K, GroupRecord<Key, Awaited<A>>, R> {
    return this.appendStep({ op: 'groupby', extractor, reducer }, opts);
  }

  /** Repartitions by key, then reduces each group's full list of records at once. */
  batchgroupby<Key, U>(
    extractor: (record: T) => MaybePromise<Key>,
    batchReducer: (key: Key, records: T[]) => MaybePromise<U>,
    opts?: OpOptions,
  ): Next<K, GroupRecord<Key, Awaited<U>>, R> {
    return this.appendStep({ op: 'batchgroupby', extractor, batchReducer }, opts);
  }

  /** Sorts all records (numbers numerically, strings by code unit, others by JSON text). */
  sort(reverse = false, opts?: OpOptions): Next<K, T, R> {
    return this.appendStep({ op: 'sort', reverse }, opts);
  }

  distinct(opts?: OpOptions): Next<K, T, R> {
    return this.appendStep({ op: 'distinct' }, opts);
  }

  count(opts?: OpOptions): Next<K, number, R> {
    return this.appendStep({ op: 'count' }, opts);
  }

  /** Counts records per key; without an extractor the key is the record itself (the engine's default). */
  countby(): Next<K, GroupRecord<string, number>, R>;
  countby<Key>(extractor: (record: T) => MaybePromise<Key>, opts?: OpOptions): Next<K, GroupRecord<Key, number>, R>;
  countby(extractor?: (record: T) => unknown, opts?: OpOptions): unknown {
    return this.appendStep(extractor === undefined ? { op: 'countby' } : { op: 'countby', extractor }, opts);
  }

  /** Arithmetic mean of the records, or of what `extractor` returns for them. */
  avg(extractor?: (record: T) => MaybePromise<number>, opts?: OpOptions): Next<K, number, R> {
    return this.appendStep(extractor === undefined ? { op: 'avg' } : { op: 'avg', extractor }, opts);
  }

  // camelCase aliases: same methods, same steps (installed on the prototype below).
  declare readonly flatMap: this['flatmap'];
  declare readonly forEach: this['foreach'];
  declare readonly localGroupBy: this['localgroupby'];
  declare readonly aggregateBy: this['aggregateby'];
  declare readonly groupBy: this['groupby'];
  declare readonly batchGroupBy: this['batchgroupby'];
  declare readonly countBy: this['countby'];
}

/** camelCase alias -> RedisGears operation name. */
export const OPERATION_ALIASES = {
  flatMap: 'flatmap',
  forEach: 'foreach',
  localGroupBy: 'localgroupby',
  aggregateBy: 'aggregateby',
  groupBy: 'groupby',
  batchGroupBy: 'batchgroupby',
  countBy: 'countby',
} as const;

for (const [alias, op] of Object.entries(OPERATION_ALIASES)) {
  Object.defineProperty(Operations.prototype, alias, { value: Operations.prototype[op], configurable: true });
}
