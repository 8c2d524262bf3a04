// GearsBuilder / GB with RedisGears' mutable behaviour: each operation changes the builder and
// returns it, so `gb = GB(); gb.map(f); gb.run()` works as in RedisGears. Internally it swaps an
// immutable OpenGearFunction (RedGrease's `gearfunction` property), so both share one set of operations.
import type { ActionArg, RegisterCallOptions, RunCallOptions } from './action.js';
import { initialState, OpenGearFunction, type OnClose, type ReturnsClosed } from './gear-function.js';
import { Operations } from './operations.js';
import type { Plan, ReaderAlias, Step } from './plan.js';
import { readerName } from './readers.js';
import type { ActionDefaults, OpOptions, ReaderRecord } from './types.js';

class GearsBuilderImpl<T, R> extends Operations<T, R, 'builder'> {
  #fn: OpenGearFunction<any, R>;

  constructor(fn: OpenGearFunction<any, R>) {
    super();
    this.#fn = fn;
  }

  /** The immutable function built so far; extending it does not change this builder. */
  get gearfunction(): OpenGearFunction<T, R> {
    return this.#fn;
  }

  get plan(): Plan {
    return this.#fn.plan;
  }

  appendStep<U>(step: Step, opts?: OpOptions): GearsBuilder<U, R> {
    this.#fn = this.#fn.appendStep(step, opts);
    return this as unknown as GearsBuilder<U, R>;
  }

  // run and register take OpenGearFunction's overloads (one list, in gear-function.ts): the builder
  // closes the function it holds
  declare run: OpenGearFunction<T, R>['run'];
  declare register: OpenGearFunction<T, R>['register'];
  static {
    this.prototype.run = function (this: GearsBuilderImpl<unknown, unknown>, first?: unknown, second?: unknown) {
      return this.#fn.run(first as ActionArg, second as RunCallOptions);
    } as never;
    this.prototype.register = function (this: GearsBuilderImpl<unknown, unknown>, first?: unknown, second?: unknown) {
      return this.#fn.register(first as string, second as RegisterCallOptions);
    } as never;
  }
}

/** A mutable builder whose records are `T` at this point of the chain. */
export type GearsBuilder<T = unknown, R = ReturnsClosed> = GearsBuilderImpl<T, R>;

/**
 * `GB(reader = 'KeysReader', defaultArg = '*', desc?, defaults?)`, callable with or without `new`.
 * `defaults` are options `run`/`register` inherit (RedGrease passes GearsBuilder's extra arguments
 * on the same way); `requirements` among them go to the plan.
 */
export interface GearsBuilderFactory<R = ReturnsClosed> {
  <N extends ReaderAlias = 'KeysReader'>(
    reader?: N,
    defaultArg?: unknown,
    desc?: string,
    defaults?: ActionDefaults,
  ): GearsBuilder<ReaderRecord<N>, R>;
  new <N extends ReaderAlias = 'KeysReader'>(
    reader?: N,
    defaultArg?: unknown,
    desc?: string,
    defaults?: ActionDefaults,
  ): GearsBuilder<ReaderRecord<N>, R>;
  readonly prototype: GearsBuilder<unknown, R>;
}

/**
 * `GB` and `GearsBuilder` whose `run`/`register` return `onClose(plan)`. The engine's runtime uses
 * this to capture the plan a source builds; without `onClose` they return a ClosedGearFunction.
 */
export function createGearsBuilder<R = ReturnsClosed>(
  onClose?: OnClose<R>,
): { GB: GearsBuilderFactory<R>; GearsBuilder: GearsBuilderFactory<R> } {
  function GearsBuilder(
    reader: ReaderAlias = 'KeysReader',
    defaultArg: unknown = '*',
    desc?: string,
    defaults?: ActionDefaults,
  ) {
    const name = readerName(reader);
    const spec = desc === undefined ? { name, defaultArg } : { name, defaultArg, desc };
    return new GearsBuilderImpl(new OpenGearFunction(initialState(spec, defaults, onClose)));
  }
  // So that `x instanceof GearsBuilder` holds for builders made with or without `new`.
  GearsBuilder.prototype = GearsBuilderImpl.prototype;
  const factory = GearsBuilder as unknown as GearsBuilderFactory<R>;
  return { GB: factory, GearsBuilder: factory };
}

/** RedisGears' builder for applications: `run`/`register` return a ClosedGearFunction. */
export const { GB, GearsBuilder } = createGearsBuilder();
