// RedGrease's sugar enums: named constants for the strings gear functions take. Each is a plain
// object of string literals, so `TriggerMode.Sync` and `'sync'` are interchangeable everywhere.
import { READER_NAMES, type ReaderName } from '../model/index.js';

/** Every reader name, PythonReader (RedisGears' name for JavaScriptReader) among them: `ReaderType.KeysReader` is 'KeysReader'. */
export const ReaderType = Object.freeze(
  Object.fromEntries([...READER_NAMES, 'PythonReader'].map((name) => [name, name])),
) as { readonly [N in ReaderName | 'PythonReader']: N };
export type ReaderType = (typeof ReaderType)[keyof typeof ReaderType];

export const TriggerMode = { Async: 'async', AsyncLocal: 'async_local', Sync: 'sync' } as const;
export type TriggerMode = (typeof TriggerMode)[keyof typeof TriggerMode];

export const KeyType = {
  String: 'string',
  Hash: 'hash',
  List: 'list',
  Set: 'set',
  ZSet: 'zset',
  Stream: 'stream',
  Module: 'module',
} as const;
export type KeyType = (typeof KeyType)[keyof typeof KeyType];

export const FailurePolicy = { Continue: 'continue', Abort: 'abort', Retry: 'retry' } as const;
export type FailurePolicy = (typeof FailurePolicy)[keyof typeof FailurePolicy];

export const LogLevel = { Debug: 'debug', Verbose: 'verbose', Notice: 'notice', Warning: 'warning' } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];
