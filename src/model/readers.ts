// Reader constructors, RedGrease's "convenience classes for GearsBuilder(reader, ...)": each starts an
// immutable open function. `createReaders(onClose)` binds them to a closing hook, so a source the
// engine evaluates can write `KeysReader().map(...).run()` just as an application does.
import { initialState, OpenGearFunction, type OnClose, type ReturnsClosed } from './gear-function.js';
import { READER_NAMES, type ReaderName, type ReaderSpec } from './plan.js';
import { CommandReaderFunction, KeysReaderFunction, StreamReaderFunction } from './sugar.js';
import type { ActionDefaults, RecordSource } from './types.js';

/** `PythonReader` is RedisGears' name for JavaScriptReader; anything else unknown is an error. */
export function readerName(name: unknown): ReaderName {
  if (name === 'PythonReader') return 'JavaScriptReader';
  if (typeof name === 'string' && (READER_NAMES as readonly string[]).includes(name)) return name as ReaderName;
  throw new TypeError(
    `Unknown reader ${JSON.stringify(name)}; use one of ${READER_NAMES.join(', ')} (or PythonReader)`,
  );
}

/** Options of every reader constructor. */
export interface ReaderOptions extends ActionDefaults {
  readonly desc?: string;
}

export interface KeysReaderOptions extends ReaderOptions {
  /** Read values (default true); when false, `value` and `type` are null. */
  readonly readValue?: boolean;
  /** Read exactly the key named by the pattern, without SCAN. */
  readonly noScan?: boolean;
}

export interface KeysOnlyReaderOptions extends ReaderOptions {
  readonly noScan?: boolean;
  /** SCAN COUNT hint. */
  readonly count?: number;
}

export interface StreamReaderOptions extends ReaderOptions {
  /** First id to read in batch mode (default '0-0'). */
  readonly fromId?: string;
}

export interface Readers<R = ReturnsClosed> {
  KeysReader(pattern?: string, options?: KeysReaderOptions): KeysReaderFunction<R>;
  KeysOnlyReader(pattern?: string, options?: KeysOnlyReaderOptions): OpenGearFunction<string, R>;
  StreamReader(pattern?: string, options?: StreamReaderOptions): StreamReaderFunction<R>;
  JavaScriptReader<T>(generator: RecordSource<T>, options?: ReaderOptions): OpenGearFunction<T, R>;
  /** RedisGears' name for JavaScriptReader. */
  PythonReader<T>(generator: RecordSource<T>, options?: ReaderOptions): OpenGearFunction<T, R>;
  ShardsIDReader(options?: ReaderOptions): OpenGearFunction<string, R>;
  CommandReader(options?: ReaderOptions): CommandReaderFunction<R>;
}

/** Reader constructors whose `run`/`register` hand the plan to `onClose` (or, without it, close normally). */
export function createReaders<R = ReturnsClosed>(onClose?: OnClose<R>): Readers<R> {
  // The description goes to the reader spec; every other option becomes a default of the action.
  const start = (name: ReaderName, defaultArg: unknown, { desc, ...defaults }: ReaderOptions = {}) => {
    const reader: ReaderSpec = desc === undefined ? { name, defaultArg } : { name, defaultArg, desc };
    return initialState(reader, defaults, onClose);
  };
  const javaScriptReader = <T>(generator: RecordSource<T>, options?: ReaderOptions) => {
    if (typeof generator !== 'function') {
      throw new TypeError(
        'JavaScriptReader(generator): pass a generator function (or a function returning an iterable)',
      );
    }
    return new OpenGearFunction<T, R>(start('JavaScriptReader', generator, options));
  };
  return {
    KeysReader: (pattern = '*', options) => new KeysReaderFunction<R>(start('KeysReader', pattern, options)),
    KeysOnlyReader: (pattern = '*', options) => new OpenGearFunction(start('KeysOnlyReader', pattern, options)),
    StreamReader: (pattern = '*', options) => new StreamReaderFunction<R>(start('StreamReader', pattern, options)),
    JavaScriptReader: javaScriptReader,
    PythonReader: javaScriptReader,
    ShardsIDReader: (options) => new OpenGearFunction(start('ShardsIDReader', '*', options)),
    CommandReader: (options) => new CommandReaderFunction<R>(start('CommandReader', '*', options)),
  };
}
