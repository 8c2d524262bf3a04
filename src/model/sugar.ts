// RedGrease's reader-specific first operations (chapter 6): `KeysReader().values()`,
// `StreamReader().keys()`, `CommandReader().args()` and friends. Each expands to ordinary
// filter/map steps, so plans stay made of the eighteen operations.
//
// Sugar callbacks must travel as source like user callbacks, so they cannot close over their
// arguments: the selected types, events and counts are written into the callback's own text.
import { OpenGearFunction, type ReturnsClosed } from './gear-function.js';
import type { KeysRecord, KeyType, StreamRecord } from './plan.js';
import { withSource } from './callback-source.js';
import type { MaybePromise, OneOrMany, OpOptions, ValueOf } from './types.js';

/** A callback compiled from text, so `toString()` gives back that text with its constants. */
function compile<F>(source: string): F {
  return new Function(`return (${source});`)() as F;
}

function asList<X>(value: OneOrMany<X> | undefined): readonly X[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : [value as X];
}

/** RedGrease's `type=` / `event=` selection: one value or several; leaving one out means any. */
export interface KeySelection<K extends KeyType = KeyType> {
  readonly type?: OneOrMany<K>;
  readonly event?: OneOrMany<string>;
}

/** The value type a selection guarantees (unknown when no type is selected). */
type SelectedValue<K extends KeyType> = [K] extends [never] ? unknown : ValueOf<K>;

/** The filter for a selection, or undefined when it selects everything. */
export function selectionFilter(selection: KeySelection = {}): ((record: KeysRecord) => boolean) | undefined {
  const tests = [
    ['type', asList(selection.type)],
    ['event', asList(selection.event)],
  ]
    .filter(([, list]) => list !== undefined)
    .map(([field, list]) => `${JSON.stringify(list)}.includes(record.${field as string})`);
  return tests.length ? compile(`(record) => ${tests.join(' && ')}`) : undefined;
}

export class KeysReaderFunction<R = ReturnsClosed> extends OpenGearFunction<KeysRecord, R> {
  #select(selection?: KeySelection): OpenGearFunction<KeysRecord, R> {
    const filter = selectionFilter(selection);
    return filter ? this.filter(filter) : new OpenGearFunction(this.state);
  }

  /** The records' values, optionally only of some key types and events. */
  values<K extends KeyType = never>(selection?: KeySelection<K>): OpenGearFunction<SelectedValue<K>, R> {
    return this.#select(selection).map(compile<(record: KeysRecord) => SelectedValue<K>>('(record) => record.value'));
  }

  /** The records' key names, optionally only of some key types and events. */
  keys<K extends KeyType = never>(selection?: KeySelection<K>): OpenGearFunction<string, R> {
    return this.#select(selection).map(compile('(record) => record.key'));
  }

  /** The whole records, optionally only of some key types and events (typed by the selected type). */
  records<K extends KeyType = never>(selection?: KeySelection<K>): OpenGearFunction<KeysRecord<SelectedValue<K>>, R> {
    return this.#select(selection) as OpenGearFunction<KeysRecord<SelectedValue<K>>, R>;
  }
}

export class StreamReaderFunction<R = ReturnsClosed> extends OpenGearFunction<StreamRecord, R> {
  /** Each entry's field/value object. */
  values(): OpenGearFunction<Record<string, string>, R> {
    return this.map(compile('(record) => record.value'));
  }

  /** Each entry's stream name. */
  keys(): OpenGearFunction<string, R> {
    return this.map(compile('(record) => record.key'));
  }

  /** The entries as `{key, id, value}` records (what the reader yields; no step needed). */
  records(): OpenGearFunction<StreamRecord, R> {
    return new OpenGearFunction(this.state);
  }
}

/** CommandReader records are `[trigger, ...args]`, as in RedisGears. */
export class CommandReaderFunction<R = ReturnsClosed> extends OpenGearFunction<string[], R> {
  /** Drops the trigger name, keeping at most `maxCount` arguments. */
  args(maxCount?: number): OpenGearFunction<string[], R> {
    if (maxCount !== undefined && !(Number.isInteger(maxCount) && maxCount >= 0)) {
      throw new RangeError(`CommandReader.args(maxCount): maxCount must be a non-negative integer, got ${maxCount}`);
    }
    const end = maxCount === undefined ? '' : `, ${maxCount + 1}`;
    return this.map(compile(`(record) => record.slice(1${end})`));
  }

  /** Calls `fn` with the trigger's arguments (not its name); its result is the record. */
  apply<U>(fn: (...args: string[]) => MaybePromise<U>, opts?: OpOptions): OpenGearFunction<Awaited<U>, R> {
    // In-process the real `fn` is called (it may use its module's scope on the server); on the way
    // to the server the call is written around `fn`'s own source.
    const call = withSource(
      (record: string[]) => fn(...record.slice(1)),
      (source) => `(record) => (${source(fn)})(...record.slice(1))`,
    );
    return this.map(call, opts) as OpenGearFunction<Awaited<U>, R>;
  }
}
