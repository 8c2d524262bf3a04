// Serialising a gear function to the JavaScript source the gears server evaluates (RG.JSEXECUTE):
// `GB('KeysReader', "k:*").map((r) => r.value).run("k:*", {"convertToStr":true})`. Callbacks travel
// as their own source, values as JSON; anything that would not survive the trip (a captured
// variable, a bound function, a Map, NaN, ...) is an error here, before anything is sent.
import type { GearsBuilder } from './builder.js';
import { callbackSource } from './callback-source.js';
import { assertNoCaptures, normalizeRuntimeImports } from './captures.js';
import { ClosedGearFunction, OpenGearFunction } from './gear-function.js';
import type { Action, Plan, Step, StepOp } from './plan.js';

type StepField<O extends StepOp> = Exclude<keyof Extract<Step, { op: O }>, 'op'>;

/** Each operation's arguments, in RedisGears' order. */
const STEP_ARGUMENTS: { readonly [O in StepOp]: readonly StepField<O>[] } = {
  map: ['fn'],
  flatmap: ['fn'],
  foreach: ['fn'],
  filter: ['fn'],
  accumulate: ['fn'],
  localgroupby: ['extractor', 'reducer'],
  limit: ['length', 'start'],
  collect: [],
  repartition: ['extractor'],
  aggregate: ['zero', 'seqOp', 'combOp'],
  aggregateby: ['extractor', 'zero', 'seqOp', 'combOp'],
  groupby: ['extractor', 'reducer'],
  batchgroupby: ['extractor', 'batchReducer'],
  sort: ['reverse'],
  distinct: [],
  count: [],
  countby: ['extractor'],
  avg: ['extractor'],
};

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A value as a JavaScript expression; `where` names it in errors ("aggregate zero", "run options"). */
export function encode(value: unknown, where: string): string {
  switch (typeof value) {
    case 'function': {
      const source = normalizeRuntimeImports(callbackSource(value, where));
      assertNoCaptures(source, where);
      return source;
    }
    case 'undefined':
      return 'undefined';
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (Number.isFinite(value)) return JSON.stringify(value);
      break;
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((item) => encode(item, where)).join(',')}]`;
      if (isPlainObject(value)) {
        const fields = Object.entries(value)
          .filter(([, field]) => field !== undefined)
          .map(([key, field]) => `${JSON.stringify(key)}:${encode(field, `${where} "${key}"`)}`);
        return `{${fields.join(',')}}`;
      }
  }
  const shown = typeof value === 'object' && value !== null ? (value.constructor?.name ?? 'object') : String(value);
  throw new TypeError(
    `${where}: ${shown} is not JSON-safe, so it cannot travel as source; use plain objects, arrays, strings, finite numbers, booleans or null`,
  );
}

/** Arguments as source, dropping trailing undefined ones so defaults apply again on the server. */
function argumentList(values: readonly unknown[], where: (index: number) => string): string {
  let count = values.length;
  while (count > 0 && values[count - 1] === undefined) count--;
  return values
    .slice(0, count)
    .map((value, index) => encode(value, where(index)))
    .join(', ');
}

function stepSource(step: Step): string {
  const fields = STEP_ARGUMENTS[step.op] as readonly string[];
  const values = fields.map((field) => (step as unknown as Record<string, unknown>)[field]);
  const role = (index: number) => `${step.op} ${fields[index] === 'fn' ? 'callback' : fields[index]}`;
  return `.${step.op}(${argumentList(values, role)})`;
}

function actionSource(action: Action): string {
  const hasOptions = Object.keys(action.options).length > 0;
  const args = action.arg === undefined ? [hasOptions ? action.options : undefined] : [action.arg, action.options];
  const where = (index: number) => `${action.kind} ${index === 0 && action.arg !== undefined ? 'argument' : 'options'}`;
  return `.${action.kind}(${argumentList(hasOptions ? args : args.slice(0, 1), where)})`;
}

/**
 * Source for a plan: GB's call (with `defaults` and the plan's requirements as GB's fourth
 * argument), its steps, and its action if closed.
 */
export function planSource(plan: Plan, defaults: Readonly<Record<string, unknown>> = {}): string {
  const { name, defaultArg, desc } = plan.reader;
  const inherited = plan.requirements?.length ? { ...defaults, requirements: plan.requirements } : defaults;
  const gbArgs = [defaultArg, desc, Object.keys(inherited).length ? inherited : undefined];
  const where = (index: number) => `${name} ${['default argument', 'description', 'defaults'][index]}`;
  const head = `GB('${name}'${gbArgs.some((v) => v !== undefined) ? ', ' : ''}${argumentList(gbArgs, where)})`;
  return head + plan.steps.map(stepSource).join('') + (plan.action ? actionSource(plan.action) : '');
}

/**
 * JavaScript source for a gear function, to be evaluated where GB and the other runtime globals
 * are defined. Throws if a callback captures a variable or a value is not JSON-safe.
 */
export function toSource(fn: OpenGearFunction<any, any> | ClosedGearFunction<any> | GearsBuilder<any, any>): string {
  if (fn instanceof ClosedGearFunction) return planSource(fn.plan);
  const open = fn instanceof OpenGearFunction ? fn : fn.gearfunction;
  return planSource(open.plan, open.defaults);
}
