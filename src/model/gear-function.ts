// GearFunction objects: an immutable chain (reader -> steps) that `run` or `register` closes into a
// plan the engine can execute. Every operation returns a new function, so an open function can be
// shared and extended in several directions (RedGrease's "Open GearFunction").
import {
  buildAction,
  checkRequirements,
  mergeRequirements,
  type ActionArg,
  type RegisterCallOptions,
  type RunCallOptions,
  type OnTarget,
  type TypedRunOptions,
  type WireRecord,
} from './action.js';
import { Operations } from './operations.js';
import { checkStep } from './step-check.js';
import type { Action, Plan, ReaderSpec, Step } from './plan.js';
import type { ExecutionResult } from './result.js';
import type { ActionDefaults, OpOptions } from './types.js';

/** Sends a closed function to a target and answers its result; the client installs it (src/client/on.ts). */
export type Sender = (fn: ClosedGearFunction<any>, target: object) => Promise<ExecutionResult<any>>;

let sender: Sender | undefined;

/** The model cannot reach a server itself (layers flow one way), so the client lends it a sender. */
export function setSender(send: Sender): void {
  sender = send;
}

declare const closedBrand: unique symbol;
/** Marks the default closing behaviour: `run`/`register` return a ClosedGearFunction. */
export interface ReturnsClosed {
  readonly [closedBrand]: true;
}

/** What `run`/`register` return: a ClosedGearFunction, or whatever the `onClose` hook returned. */
export type CloseResult<T, R> = [R] extends [ReturnsClosed] ? ClosedGearFunction<T> : R;

/** Receives each plan as it is closed (the engine's runtime uses this to capture what a source builds). */
export type OnClose<R = unknown> = (plan: Plan) => R;

/** Everything an open function is made of. */
export interface FunctionState {
  readonly plan: Plan;
  /** Options the action inherits unless the call overrides them. */
  readonly defaults: Readonly<Record<string, unknown>>;
  readonly onClose?: OnClose;
}

function freezePlan(plan: Plan): Plan {
  Object.freeze(plan.steps);
  if (plan.requirements) Object.freeze(plan.requirements);
  return Object.freeze(plan);
}

function withRequirements(plan: Omit<Plan, 'requirements'>, requirements: readonly string[]): Plan {
  return freezePlan(requirements.length ? { ...plan, requirements } : plan);
}

/** The state of a new function reading with `reader`; `requirements` in `defaults` go to the plan. */
export function initialState(reader: ReaderSpec, defaults: ActionDefaults = {}, onClose?: OnClose): FunctionState {
  const { requirements, ...rest } = defaults;
  const plan = withRequirements(
    { reader: Object.freeze({ ...reader }), steps: [] },
    checkRequirements(requirements, reader.name),
  );
  return { plan, defaults: Object.freeze(rest), onClose };
}

/** A gear function closed by `run` or `register`: it cannot be extended, only executed. */
export class ClosedGearFunction<T = unknown> {
  /** Phantom: the type of the records this function outputs. */
  declare readonly __output?: T;
  readonly plan: Plan & { readonly action: Action };

  constructor(plan: Plan & { readonly action: Action }) {
    this.plan = plan;
  }

  get action(): Action {
    return this.plan.action;
  }

  get requirements(): readonly string[] {
    return this.plan.requirements ?? [];
  }

  /** Sends the function to `target` (a RedisGears client, a Gears, or an ioredis/node-redis client). */
  on(target: object): Promise<ExecutionResult<T>> {
    if (!sender) {
      return Promise.reject(
        new Error("fn.on(client): import 'gearbox' (or 'gearbox/client') so that functions can be sent"),
      );
    }
    return sender(this, target);
  }
}

export class OpenGearFunction<T = unknown, R = ReturnsClosed> extends Operations<T, R, 'open'> {
  /** The plan so far (no action yet). */
  readonly plan: Plan;
  /** Options `run`/`register` inherit (reader-specific defaults, GB's extra arguments). */
  readonly defaults: Readonly<Record<string, unknown>>;
  readonly #onClose?: OnClose;

  constructor(state: FunctionState) {
    super();
    this.plan = state.plan;
    this.defaults = state.defaults;
    this.#onClose = state.onClose;
  }

  get reader(): ReaderSpec {
    return this.plan.reader;
  }

  get steps(): readonly Step[] {
    return this.plan.steps;
  }

  get requirements(): readonly string[] {
    return this.plan.requirements ?? [];
  }

  /** For subclasses that add reader sugar: the state to derive from. */
  protected get state(): FunctionState {
    return { plan: this.plan, defaults: this.defaults, onClose: this.#onClose };
  }

  appendStep<U>(step: Step, opts?: OpOptions): OpenGearFunction<U, R> {
    checkStep(step);
    const requirements = mergeRequirements(this.requirements, checkRequirements(opts?.requirements, step.op));
    const { reader, steps } = this.plan;
    const plan = withRequirements({ reader, steps: [...steps, Object.freeze(step)] }, requirements);
    return new OpenGearFunction<U, R>({ ...this.state, plan });
  }

  /** Closes the function for one batch execution; `arg` overrides the reader's default argument. */
  run(options: TypedRunOptions & OnTarget): Promise<ExecutionResult<WireRecord<T, true>>>;
  run(options: RunCallOptions & OnTarget): Promise<ExecutionResult<WireRecord<T, false>>>;
  run(arg: ActionArg | undefined, options: TypedRunOptions & OnTarget): Promise<ExecutionResult<WireRecord<T, true>>>;
  run(arg: ActionArg | undefined, options: RunCallOptions & OnTarget): Promise<ExecutionResult<WireRecord<T, false>>>;
  run(options: TypedRunOptions): CloseResult<WireRecord<T, true>, R>;
  run(options?: RunCallOptions): CloseResult<WireRecord<T, false>, R>;
  run(arg: ActionArg | undefined, options: TypedRunOptions): CloseResult<WireRecord<T, true>, R>;
  run(arg: ActionArg | undefined, options?: RunCallOptions): CloseResult<WireRecord<T, false>, R>;
  run(first?: unknown, second?: unknown): any {
    return this.#close('run', first, second);
  }

  /** Closes the function as an event handler; `prefix` is the key or stream pattern to listen on. */
  register(options: RegisterCallOptions & OnTarget): Promise<ExecutionResult<never>>;
  register(prefix: string | undefined, options: RegisterCallOptions & OnTarget): Promise<ExecutionResult<never>>;
  register(options?: RegisterCallOptions): CloseResult<T, R>;
  register(prefix: string | undefined, options?: RegisterCallOptions): CloseResult<T, R>;
  register(first?: unknown, second?: unknown): any {
    return this.#close('register', first, second);
  }

  #close(kind: Action['kind'], first: unknown, second: unknown): CloseResult<T, R> {
    const { action, requirements, on } = buildAction(kind, this.reader, this.defaults, first, second);
    const plan = withRequirements(
      { reader: this.reader, steps: this.steps, action },
      mergeRequirements(this.requirements, requirements),
    ) as Plan & { readonly action: Action };
    if (on) return new ClosedGearFunction<T>(plan).on(on) as never;
    return (this.#onClose ? this.#onClose(plan) : new ClosedGearFunction<T>(plan)) as CloseResult<T, R>;
  }
}
