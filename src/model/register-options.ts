// What `register()` accepts, checked when the function is closed: a registration that could never
// fire (an event Redis does not notify, a misspelt option) is refused before anything is sent or
// registered, with the list of what would have been valid.
import type { ReaderName } from './plan.js';

export const REGISTER_MODES = ['async', 'async_local', 'sync'] as const;
export const ON_FAILED_POLICIES = ['continue', 'abort', 'retry'] as const;

/**
 * The keyspace event names Redis publishes (redis.io "Keyspace notifications", Redis 7.x and 8.x,
 * Valkey): the only values `eventTypes` can usefully hold.
 */
export const KEYSPACE_EVENTS: readonly string[] = [
  'append',
  'copy_to',
  'del',
  'evicted',
  'expire',
  'expired',
  'hdel',
  'hexpire',
  'hexpired',
  'hincrby',
  'hincrbyfloat',
  'hpersist',
  'hset',
  'incrby',
  'incrbyfloat',
  'linsert',
  'lpop',
  'lpush',
  'lrem',
  'lset',
  'ltrim',
  'move_from',
  'move_to',
  'new',
  'persist',
  'pfadd',
  'rename_from',
  'rename_to',
  'restore',
  'rpop',
  'rpush',
  'sadd',
  'sdiffstore',
  'set',
  'setrange',
  'sinterstore',
  'sortstore',
  'spop',
  'srem',
  'sunionstore',
  'xadd',
  'xautoclaim',
  'xclaim',
  'xdel',
  'xgroup-create',
  'xgroup-createconsumer',
  'xgroup-delconsumer',
  'xgroup-destroy',
  'xgroup-setid',
  'xsetid',
  'xtrim',
  'zadd',
  'zdiffstore',
  'zincr',
  'zinterstore',
  'zpopmax',
  'zpopmin',
  'zrangestore',
  'zrem',
  'zrembylex',
  'zrembyrank',
  'zrembyscore',
  'zunionstore',
];

export const KEY_TYPES: readonly string[] = ['string', 'hash', 'list', 'set', 'zset', 'stream', 'module'];

/** Option names `register` knows; reader defaults meant for `run` (noScan, count, fromId) pass unused. */
const KNOWN_OPTIONS = new Set([
  'mode',
  'eventTypes',
  'keyTypes',
  'readValue',
  'batch',
  'duration',
  'onFailedPolicy',
  'onFailedRetryInterval',
  'trimStream',
  'trigger',
  'hook',
  'convertToStr',
  'collect',
  'onRegistered',
  'noScan',
  'count',
  'fromId',
]);

/** Options that mean something to one kind of registration only; given to another they would be silently ignored. */
const READER_OPTIONS: Readonly<Record<string, ReaderName>> = {
  eventTypes: 'KeysReader',
  keyTypes: 'KeysReader',
  readValue: 'KeysReader',
  batch: 'StreamReader',
  duration: 'StreamReader',
  onFailedPolicy: 'StreamReader',
  onFailedRetryInterval: 'StreamReader',
  trimStream: 'StreamReader',
  trigger: 'CommandReader',
  hook: 'CommandReader',
};

const BOOLEAN_OPTIONS = ['readValue', 'trimStream', 'convertToStr', 'collect'] as const;

function forReader(reader: ReaderName, options: Record<string, unknown>): void {
  for (const [option, owner] of Object.entries(READER_OPTIONS)) {
    if (options[option] !== undefined && owner !== reader)
      throw new TypeError(
        `register(): ${option} is an option of ${owner} registrations and would do nothing for a ${reader} one; drop it`,
      );
  }
}

function booleans(options: Record<string, unknown>): void {
  for (const option of BOOLEAN_OPTIONS) {
    const value = options[option];
    if (value !== undefined && typeof value !== 'boolean')
      throw new TypeError(`register(): ${option} must be true or false, got ${JSON.stringify(value)}`);
  }
}

function oneOf(name: string, value: unknown, valid: readonly string[]): void {
  if (value !== undefined && !valid.includes(value as string)) {
    throw new TypeError(`register(): unknown ${name} ${JSON.stringify(value)}; use one of ${valid.join(', ')}`);
  }
}

function names(option: string, value: unknown, valid: readonly string[], caseless: boolean): void {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new TypeError(`register(): ${option} must be an array of strings, got ${JSON.stringify(value)}`);
  }
  const bad = value.filter((v: string) => !valid.includes(caseless ? v.toLowerCase() : v));
  if (bad.length > 0) {
    const what = option === 'eventTypes' ? 'Redis never notifies' : 'are not Redis key types';
    throw new TypeError(
      `register(): ${option} ${JSON.stringify(bad)} ${what}, so the registration would never fire; valid ${option}: ${valid.join(', ')}`,
    );
  }
}

function positive(option: string, value: unknown, integer: boolean): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !(value > 0) || (integer && !Number.isInteger(value))) {
    throw new TypeError(
      `register(): ${option} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(value)}`,
    );
  }
}

/**
 * Throws a TypeError naming the first option of `register(...)` that cannot work for `reader`, or a
 * key or stream pattern (`arg`) that is not a string.
 */
export function checkRegisterOptions(reader: ReaderName, options: Record<string, unknown>, arg?: unknown): void {
  const unknown = Object.keys(options).filter((name) => !KNOWN_OPTIONS.has(name));
  if (unknown.length > 0) {
    throw new TypeError(
      `register(): unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; register takes ${[...KNOWN_OPTIONS].slice(0, 14).join(', ')}`,
    );
  }
  if (arg !== undefined && typeof arg !== 'string' && (reader === 'KeysReader' || reader === 'StreamReader'))
    throw new TypeError(
      `register(): the ${reader === 'KeysReader' ? 'key' : 'stream'} pattern must be a string such as 'person:*', got ${JSON.stringify(arg) ?? typeof arg}`,
    );
  forReader(reader, options);
  booleans(options);
  oneOf('mode', options.mode, REGISTER_MODES);
  oneOf('onFailedPolicy', options.onFailedPolicy, ON_FAILED_POLICIES);
  names('eventTypes', options.eventTypes, KEYSPACE_EVENTS, true);
  names('keyTypes', options.keyTypes, KEY_TYPES, false);
  positive('batch', options.batch, true);
  positive('duration', options.duration, false);
  positive('onFailedRetryInterval', options.onFailedRetryInterval, false);
  if (options.onRegistered !== undefined && typeof options.onRegistered !== 'function') {
    throw new TypeError(`register(): onRegistered must be a function, got ${typeof options.onRegistered}`);
  }
  if (options.trigger !== undefined && (typeof options.trigger !== 'string' || options.trigger === '')) {
    throw new TypeError(`register(): trigger must be a non-empty string, got ${JSON.stringify(options.trigger)}`);
  }
  if (reader === 'StreamReader' && options.mode === 'sync') {
    throw new TypeError("register(): StreamReader registrations are asynchronous; drop mode: 'sync'");
  }
}
