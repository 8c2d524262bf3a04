// command(): RedGrease's `@command` decorator as a higher-order function. The function is registered
// on the gears server as a CommandReader function answering `RG.TRIGGER <name> args...`, and what
// comes back is a typed local function that triggers it. Results travel as JSON text, so the local
// function returns exactly what `fn` returned (redis-cli shows that JSON).
import { CommandReader, type ClosedGearFunction } from '../model/index.js';
import { DuplicateTriggerError, GearsError } from './errors.js';
import type { Gears } from './gears.js';
import { gearsOf, type GearsTarget } from './target.js';

export interface CommandOptions {
  /** The trigger name; the function's own name by default. */
  readonly trigger?: string;
  /** A taken name: undefined raises DuplicateTriggerError, true replaces it, false keeps the existing one. */
  readonly replace?: boolean;
  /** npm specs the function needs on the server. */
  readonly requirements?: readonly string[];
}

/** The local function: triggers the registered one and resolves with its result. */
export interface CommandFunction<A extends string[], R> {
  (...args: A): Promise<R>;
  readonly trigger: string;
  /** Settles once the registration is in place (rejects with why it is not). */
  readonly ready: Promise<void>;
}

/** A command not yet registered anywhere: `on(client)` registers it there. */
export interface CommandDefinition<A extends string[], R> {
  readonly trigger: string;
  /** The CommandReader function that is registered. */
  readonly gearFunction: ClosedGearFunction<string>;
  on(target: GearsTarget): CommandFunction<A, R>;
}

/** Session id of a command's registration, so that replacing it is one atomic upgrade. */
const sessionOf = (trigger: string) => `command:${trigger}`;

function triggerName(fn: (...args: never[]) => unknown, options: CommandOptions): string {
  const name = options.trigger ?? fn.name;
  if (!name || /\s/.test(name)) {
    throw new TypeError(
      `command(fn): the function has no usable name (${JSON.stringify(name)}); pass { trigger: 'myCommand' }`,
    );
  }
  return name;
}

async function register(gears: Gears, definition: CommandDefinition<any, any>, options: CommandOptions): Promise<void> {
  const existing = await gears.dumpregistrations({ trigger: definition.trigger });
  if (existing.length > 0) {
    if (options.replace === false) return;
    if (options.replace === undefined) {
      throw new DuplicateTriggerError(
        `command(): the trigger '${definition.trigger}' is already registered (${existing.map((r) => r.id.text).join(', ')}); pass { replace: true } to replace it or { replace: false } to keep it`,
      );
    }
  }
  const session = sessionOf(definition.trigger);
  const ours = existing.every((r) => (r.PD as { sessionName?: string } | null)?.sessionName === session);
  if (!ours) for (const r of existing) await gears.unregister(r);
  await gears.jsexecute(definition.gearFunction, {
    id: session,
    upgrade: existing.length > 0 && ours,
    requirements: options.requirements,
  });
}

function callable<A extends string[], R>(
  gears: Gears,
  definition: CommandDefinition<A, R>,
  options: CommandOptions,
): CommandFunction<A, R> {
  const ready = register(gears, definition, options);
  ready.catch(() => undefined); // reported to whoever awaits `ready` or calls the function
  const call = async (...args: A): Promise<R> => {
    await ready;
    const result = await gears.trigger<string>(definition.trigger, ...args);
    if (result.errors.length) {
      throw new GearsError(`${definition.trigger}: ${result.errors.join('; ')}`);
    }
    return JSON.parse(result.value) as R;
  };
  return Object.assign(call, { trigger: definition.trigger, ready });
}

export function command<A extends string[], R>(
  fn: (...args: A) => R,
  options: CommandOptions & { readonly on: GearsTarget },
): CommandFunction<A, Awaited<R>>;
export function command<A extends string[], R>(
  fn: (...args: A) => R,
  options?: CommandOptions,
): CommandDefinition<A, Awaited<R>>;
export function command<A extends string[], R>(
  fn: (...args: A) => R,
  options: CommandOptions & { readonly on?: GearsTarget } = {},
): CommandFunction<A, Awaited<R>> | CommandDefinition<A, Awaited<R>> {
  const trigger = triggerName(fn as (...args: never[]) => unknown, options);
  const gearFunction = CommandReader({ desc: `command ${trigger}` })
    .apply(fn as (...args: string[]) => R, { requirements: options.requirements })
    .map((result) => JSON.stringify(result === undefined ? null : result))
    .register({ trigger });
  const definition: CommandDefinition<A, Awaited<R>> = {
    trigger,
    gearFunction: gearFunction as ClosedGearFunction<string>,
    on: (target) => callable(gearsOf(target), definition, options),
  };
  return options.on ? definition.on(options.on) : definition;
}
