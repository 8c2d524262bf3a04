// Type-level vocabulary shared by the immutable functions and the mutable builder: what each reader
// yields, what each key type's value looks like, and what a callback may return.
import type { KeysRecord, KeyType, ReaderAlias, StreamRecord } from './plan.js';

/** A callback may answer directly or with a promise; the engine awaits it. */
export type MaybePromise<T> = T | Promise<T>;

/** Value of a KeysReader record for each key type (README.md, "Gear functions": the readers table). */
export interface KeyValues {
  string: string;
  hash: Record<string, string>;
  list: string[];
  set: string[];
  zset: [member: string, score: number][];
  stream: { id: string; value: Record<string, string> }[];
  module: unknown;
  empty: null;
}

/** What one item of a flatmap result becomes: an iterable's items; a string or non-iterable stays whole. */
export type Flattened<X> = X extends string ? X : X extends Iterable<infer E> ? E : X;

/** The record type each reader yields. */
export interface ReaderRecords {
  KeysReader: KeysRecord;
  KeysOnlyReader: string;
  StreamReader: StreamRecord;
  JavaScriptReader: unknown;
  PythonReader: unknown;
  ShardsIDReader: string;
  CommandReader: string[];
}

export type ReaderRecord<N extends ReaderAlias> = ReaderRecords[N];

/** A single value or several: sugar filters accept both, like RedGrease's `type=` and `event=`. */
export type OneOrMany<T> = T | readonly T[];

/** The value type selected by a `type` filter. */
export type ValueOf<K extends KeyType> = KeyValues[K];

export type ItemOf<X> = X extends readonly (infer E)[] ? E : X;

/**
 * Defaults an action inherits: reader-specific options (KeysReader's `readValue`, ...) and anything
 * given to GB's fourth argument, as RedGrease passes GearsBuilder's extra arguments to run/register.
 * `requirements` here is lifted into the plan's requirements instead.
 */
export interface ActionDefaults {
  readonly requirements?: readonly string[];
  readonly [option: string]: unknown;
}

/** Every operation takes these as its last argument, as RedGrease's operations take `requirements=`. */
export interface OpOptions {
  /** npm specs the callback needs on the server. */
  readonly requirements?: readonly string[];
}

/** A generator (or a function returning any iterable) for JavaScriptReader. */
export type RecordSource<T> = () => Iterable<T> | AsyncIterable<T>;
