// What gears.jsexecute() and the CLI accept as a gear function, turned into what RG.JSEXECUTE
// takes: a source and its requirements.
import { ClosedGearFunction, GearsBuilder, OpenGearFunction, ParametrizedFunction, toSource } from '../model/index.js';
import type { GearsError } from './errors.js';
import { bundleScript, looksLikeScriptPath, scriptFailure } from './script.js';

/** A gear function in any of chapter 4's three forms: source text, a script path, or an object. */
export type GearFunctionInput<T = unknown> =
  string | ClosedGearFunction<T> | OpenGearFunction<T, any> | GearsBuilder<T, any> | ParametrizedFunction<T>;

export interface Sendable {
  readonly source: string;
  readonly requirements: readonly string[];
  /** A script file's failure, naming the script (and where in it the top-level code threw). */
  readonly explain?: (err: GearsError) => GearsError;
}

/** Source and requirements of `fn`; an open function is closed with run(), as RedGrease does. */
export async function sendable(fn: GearFunctionInput): Promise<Sendable> {
  if (typeof fn === 'string') {
    if (!looksLikeScriptPath(fn)) return { source: fn, requirements: [] };
    const script = await bundleScript(fn);
    return { ...script, explain: (err) => scriptFailure(err, fn, script) };
  }
  if (fn instanceof ParametrizedFunction) return { source: fn.toSource(), requirements: fn.requirements };
  if (fn instanceof ClosedGearFunction) return { source: toSource(fn), requirements: fn.requirements };
  const open = fn instanceof OpenGearFunction ? fn : (fn as GearsBuilder<unknown, any>).gearfunction;
  if (!(open instanceof OpenGearFunction)) {
    throw new TypeError('jsexecute: expected a source string, a script path or a gear function');
  }
  const closed = open.run() as unknown as ClosedGearFunction;
  return { source: toSource(closed), requirements: closed.requirements };
}
