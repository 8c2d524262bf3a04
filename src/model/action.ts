// Turning `run(...)` / `register(...)` calls into an Action: the options-only form, defaults
// inherited from the reader or GB, `requirements` lifted out, and the reader/action combinations
// RedisGears refuses caught before anything is sent.
import type { Action, ReaderName, ReaderSpec, RegisterOptions, RunOptions } from './plan.js';
import { checkRegisterOptions } from './register-options.js';
import type { ActionDefaults } from './types.js';

export type RunCallOptions = RunOptions & { readonly requirements?: readonly string[] };
export type RegisterCallOptions = RegisterOptions & { readonly requirements?: readonly string[] };

/** `run({ on: client })` / `register({ on: client })`: send the function at once (see ClosedGearFunction.on). */
export interface OnTarget {
  readonly on: object;
}

/** `run` options that keep the records' own types on the wire (RESP types instead of strings). */
export type TypedRunOptions = RunCallOptions & { readonly convertToStr: false };

/**
 * What a client receives for records of type `T`: with `convertToStr` (the default) every result
 * is a string on the wire (README.md, "Gear functions"), so the type says so too.
 */
export type WireRecord<T, Typed extends boolean> = Typed extends true ? T : string;

/** What `run(arg)` / `register(prefix)` accept as their first argument. */
export type ActionArg = string | ((...args: any[]) => unknown) | Iterable<unknown> | AsyncIterable<unknown>;

/**
 * `run({...})` means options, not an argument: a plain object that is not a string, array,
 * function or iterable (a generator object is an argument for JavaScriptReader).
 */
export function isOptionsObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return !(Symbol.iterator in value) && !(Symbol.asyncIterator in value);
}

/** Requirements given anywhere must be npm spec strings; say where a bad one came from. */
export function checkRequirements(value: unknown, where: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((spec) => typeof spec !== 'string' || spec === '')) {
    throw new TypeError(`${where}: requirements must be an array of npm specs (strings), got ${JSON.stringify(value)}`);
  }
  return value;
}

export function mergeRequirements(a: readonly string[], b: readonly string[]): readonly string[] {
  return b.length === 0 ? a : [...new Set([...a, ...b])];
}

/** Drops undefined options so that two equal calls build deep-equal plans. */
function defined(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

const BATCH_ONLY: readonly ReaderName[] = ['JavaScriptReader', 'ShardsIDReader', 'KeysOnlyReader'];

const isIterable = (value: object) => Symbol.iterator in value || Symbol.asyncIterator in value;

function checkCombination(
  kind: Action['kind'],
  reader: ReaderName,
  options: Record<string, unknown>,
  arg: unknown,
): void {
  if (kind === 'run' && reader === 'CommandReader') {
    throw new TypeError(
      "CommandReader can only be registered: register({ trigger: 'name' }), then call it with RG.TRIGGER name args...",
    );
  }
  if (kind === 'run' && reader === 'JavaScriptReader' && typeof arg !== 'function') {
    if (arg === null || typeof arg !== 'object' || !isIterable(arg))
      throw new TypeError(
        `JavaScriptReader needs a generator function (function* or async function*) as its argument, got ${typeof arg === 'string' ? JSON.stringify(arg) : typeof arg}: GB('JavaScriptReader', function* () { yield 1; }).run()`,
      );
  }
  if (kind === 'register' && BATCH_ONLY.includes(reader)) {
    const instead = reader === 'KeysOnlyReader' ? '; register a KeysReader (with readValue: false) for key events' : '';
    throw new TypeError(
      `${reader} reads only in batch mode and cannot be registered (it has no event mode); use run() instead${instead}`,
    );
  }
  if (kind === 'register') checkRegisterOptions(reader, options, arg);
  if (kind === 'register' && reader === 'CommandReader' && !options.trigger && !options.hook) {
    throw new TypeError(
      "CommandReader registration needs a trigger name (or a hook): register({ trigger: 'myCommand' }), answered by RG.TRIGGER myCommand ...",
    );
  }
}

export interface ClosedAction {
  readonly action: Action;
  readonly requirements: readonly string[];
  /** Where `{ on }` said to send the function, if anywhere. */
  readonly on?: object;
}

/** Builds the action of `run`/`register` called with `(arg?, options?)` or `(options)`. */
export function buildAction(
  kind: Action['kind'],
  reader: ReaderSpec,
  defaults: ActionDefaults,
  first: unknown,
  second: unknown,
): ClosedAction {
  const optionsOnly = second === undefined && isOptionsObject(first);
  const arg = optionsOnly ? undefined : first;
  const given = optionsOnly ? first : second;
  if (given !== undefined && !isOptionsObject(given)) {
    throw new TypeError(`${kind}(arg, options): options must be a plain object, got ${typeof given}`);
  }
  const { requirements, on, ...options } = defined({ ...defaults, ...given });
  checkCombination(kind, reader.name, options, arg ?? reader.defaultArg);
  const action = Object.freeze(arg === undefined ? { kind, options } : { kind, arg, options }) as Action;
  const checked = checkRequirements(requirements, `${kind} options`);
  return on === undefined ? { action, requirements: checked } : { action, requirements: checked, on: on as object };
}
