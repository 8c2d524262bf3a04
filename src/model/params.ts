// Values from the application for a gear function, explicitly: `withParams(build)` takes a function
// of its parameters that builds and closes the flow. The whole `build` travels as source and is
// called on the server with the arguments written as JSON, so the callbacks inside close over the
// parameters there, legally, instead of capturing the application's variables.
import { callbackSource } from './callback-source.js';
import { assertNoCaptures, normalizeRuntimeImports } from './captures.js';
import { ClosedGearFunction } from './gear-function.js';
import type { OutputOf } from './result.js';
import { encode } from './source.js';

/** What can travel as a parameter: JSON values. */
export type ParamValue =
  string | number | boolean | null | readonly ParamValue[] | { readonly [key: string]: ParamValue };

/** A `withParams` flow bound to its arguments: ready to send, like a ClosedGearFunction. */
export class ParametrizedFunction<T = unknown> {
  declare readonly __output?: T;
  /** The function built in the application from the same arguments (its plan, action, requirements). */
  readonly closed: ClosedGearFunction<T>;
  readonly #source: string;

  constructor(build: (...args: any[]) => unknown, args: readonly ParamValue[]) {
    const closed = build(...args);
    if (!(closed instanceof ClosedGearFunction)) {
      throw new TypeError(
        'withParams(build): build must return a closed gear function (end the flow with run() or register())',
      );
    }
    this.closed = closed as ClosedGearFunction<T>;
    const where = 'withParams function';
    const text = normalizeRuntimeImports(callbackSource(build, where));
    assertNoCaptures(text, where);
    const values = args.map((arg, i) => encode(arg, `withParams argument ${i + 1}`));
    this.#source = `(${text})(${values.join(', ')});`;
  }

  get requirements(): readonly string[] {
    return this.closed.requirements;
  }

  /** The source the gears server runs: `build` called with the arguments. */
  toSource(): string {
    return this.#source;
  }
}

/**
 * `withParams((limit: number) => KeysReader().filter((r) => Number(r.value) > limit).run())` returns a
 * function of the same parameters giving a ParametrizedFunction, which gears.jsexecute(), on() and
 * the CLI send like any gear function.
 */
export function withParams<A extends ParamValue[], F extends ClosedGearFunction<any>>(
  build: (...args: A) => F,
): (...args: A) => ParametrizedFunction<OutputOf<F>> {
  return (...args: A) => new ParametrizedFunction<OutputOf<F>>(build, args);
}
