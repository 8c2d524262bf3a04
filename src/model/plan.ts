// The plan: what a gear function is once built, independent of how it is written (builder calls
// in an application, or a source string evaluated by the engine). The engine executes plans; the
// model builds them and turns them back into source. Keep this file free of behaviour.

export type ReaderName =
  'KeysReader' | 'KeysOnlyReader' | 'StreamReader' | 'JavaScriptReader' | 'ShardsIDReader' | 'CommandReader';

/** Names accepted where a reader is named; `PythonReader` is RedisGears' name for JavaScriptReader. */
export type ReaderAlias = ReaderName | 'PythonReader';

export const READER_NAMES: readonly ReaderName[] = [
  'KeysReader',
  'KeysOnlyReader',
  'StreamReader',
  'JavaScriptReader',
  'ShardsIDReader',
  'CommandReader',
];

/** Any callback a step carries; typed precisely by the builder, loosely here. */
export type Callback = (...args: any[]) => any;

export interface ReaderSpec {
  readonly name: ReaderName;
  /** GB's `defaultArg`: key pattern (KeysReader, KeysOnlyReader), stream key pattern (StreamReader), generator (JavaScriptReader). */
  readonly defaultArg?: unknown;
  readonly desc?: string;
}

/** The eighteen RedisGears operations, with their arguments in RedisGears' order. */
export type Step =
  | { readonly op: 'map'; readonly fn: Callback }
  | { readonly op: 'flatmap'; readonly fn: Callback }
  | { readonly op: 'foreach'; readonly fn: Callback }
  | { readonly op: 'filter'; readonly fn: Callback }
  | { readonly op: 'accumulate'; readonly fn: Callback }
  | { readonly op: 'localgroupby'; readonly extractor: Callback; readonly reducer: Callback }
  | { readonly op: 'limit'; readonly length: number; readonly start: number }
  | { readonly op: 'collect' }
  | { readonly op: 'repartition'; readonly extractor: Callback }
  | { readonly op: 'aggregate'; readonly zero: unknown; readonly seqOp: Callback; readonly combOp: Callback }
  | {
      readonly op: 'aggregateby';
      readonly extractor: Callback;
      readonly zero: unknown;
      readonly seqOp: Callback;
      readonly combOp: Callback;
    }
  | { readonly op: 'groupby'; readonly extractor: Callback; readonly reducer: Callback }
  | { readonly op: 'batchgroupby'; readonly extractor: Callback; readonly batchReducer: Callback }
  | { readonly op: 'sort'; readonly reverse: boolean }
  | { readonly op: 'distinct' }
  | { readonly op: 'count' }
  | { readonly op: 'countby'; readonly extractor?: Callback }
  | { readonly op: 'avg'; readonly extractor?: Callback };

export type StepOp = Step['op'];

/** Options of `run`, RedisGears' names; reader-specific ones only apply to their reader. */
export interface RunOptions {
  /** Results as strings (numbers in decimal, other values as JSON). Default true. */
  readonly convertToStr?: boolean;
  /** Gather results on the shard that started the execution. Default true. */
  readonly collect?: boolean;
  /** KeysReader/KeysOnlyReader: read exactly the key named by the pattern, no SCAN. */
  readonly noScan?: boolean;
  /** KeysReader: read values (default true); when false, `value` and `type` are null. */
  readonly readValue?: boolean;
  /** KeysOnlyReader: SCAN COUNT hint. */
  readonly count?: number;
  /** StreamReader: first id to read (default '0-0'). */
  readonly fromId?: string;
  /** CommandReader batch: the arguments. */
  readonly args?: readonly unknown[];
}

/** Options of `register`, RedisGears' names. */
export interface RegisterOptions {
  readonly mode?: 'async' | 'async_local' | 'sync';
  readonly eventTypes?: readonly string[];
  readonly keyTypes?: readonly string[];
  readonly readValue?: boolean;
  readonly batch?: number;
  /** Milliseconds. */
  readonly duration?: number;
  readonly onFailedPolicy?: 'continue' | 'abort' | 'retry';
  /** Seconds, default 1. */
  readonly onFailedRetryInterval?: number;
  readonly trimStream?: boolean;
  /** CommandReader: the trigger name answered by RG.TRIGGER. */
  readonly trigger?: string;
  /** CommandReader: hook a Redis command instead of a trigger name. */
  readonly hook?: string;
  readonly convertToStr?: boolean;
  readonly collect?: boolean;
  /** Runs on each shard once the registration is in place. */
  readonly onRegistered?: Callback;
}

/**
 * Options as a plan stores them: the typed ones, plus whatever else GB's defaults carried. What a
 * user writes in `run()`/`register()` is closed (a misspelt option does not compile); what the
 * engine reads back from a plan may hold more.
 */
export type StoredOptions<O> = O & { readonly [option: string]: unknown };

export type Action =
  | { readonly kind: 'run'; readonly arg?: unknown; readonly options: StoredOptions<RunOptions> }
  | { readonly kind: 'register'; readonly arg?: unknown; readonly options: StoredOptions<RegisterOptions> };

export interface Plan {
  readonly reader: ReaderSpec;
  readonly steps: readonly Step[];
  /** Absent on an open function; set once `run` or `register` closes it. */
  readonly action?: Action;
  /** Requirements (npm specs) the function declared. */
  readonly requirements?: readonly string[];
}

// ---- records produced by the readers (the contract's shapes) ----

export type KeyType = 'string' | 'hash' | 'list' | 'set' | 'zset' | 'stream' | 'module' | 'empty';

export interface KeysRecord<V = unknown> {
  key: string;
  value: V;
  type: KeyType | null;
  /** Keyspace event name for registrations; null in batch. */
  event: string | null;
}

export interface StreamRecord {
  key: string;
  id: string;
  value: Record<string, string>;
}

export interface GroupRecord<K = unknown, V = unknown> {
  key: K;
  value: V;
}
