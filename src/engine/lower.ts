// Lowers the eighteen user-facing operations to the few primitives the engine executes, as
// RedisGears does: global operations become local work around `collect` (bring records to one
// shard) and `repartition` (send each record to the shard owning its key). On a single shard
// those two are pass-throughs; in a cluster they are where records move.
import type { Callback, Plan, Step } from '../model/plan.js';
import { copyZero } from './copy-zero.js';
import { isThenable } from './operators/operator.js';

export type Primitive =
  | { readonly kind: 'map' | 'flatmap' | 'foreach' | 'filter'; readonly fn: Callback; readonly from: string }
  | { readonly kind: 'accumulate'; readonly fn: Callback; readonly from: string }
  | { readonly kind: 'localgroupby'; readonly extractor: Callback; readonly reducer: Callback; readonly from: string }
  | {
      readonly kind: 'batchgroupby';
      readonly extractor: Callback;
      readonly batchReducer: Callback;
      readonly from: string;
    }
  | { readonly kind: 'limit'; readonly length: number; readonly start: number; readonly from: string }
  | { readonly kind: 'collect'; readonly from: string }
  | { readonly kind: 'repartition'; readonly extractor: Callback; readonly from: string }
  | { readonly kind: 'sort'; readonly reverse: boolean; readonly from: string }
  | { readonly kind: 'distinct'; readonly from: string };

const identity = (r: unknown) => r;
const groupKey = (r: { key: unknown }) => r.key;

/** RedisGears copies the zero value for each accumulator, so one group's mutation never leaks into another's. */
function withZero<A extends unknown[]>(zero: unknown, fn: Callback, accIndex: number): Callback {
  return (...args: A) => {
    if (args[accIndex] === undefined) args[accIndex] = copyZero(zero);
    return fn(...args);
  };
}

function aggregate(zero: unknown, seqOp: Callback, combOp: Callback, from: string): Primitive[] {
  return [
    { kind: 'accumulate', fn: withZero(zero, seqOp, 0), from },
    { kind: 'collect', from },
    { kind: 'accumulate', fn: withZero(zero, combOp, 0), from },
  ];
}

function aggregateBy(extractor: Callback, zero: unknown, seqOp: Callback, combOp: Callback, from: string): Primitive[] {
  const comb = withZero(zero, combOp, 1);
  return [
    { kind: 'localgroupby', extractor, reducer: withZero(zero, seqOp, 1), from },
    { kind: 'repartition', extractor: groupKey, from },
    { kind: 'localgroupby', extractor: groupKey, reducer: (k, a, r) => comb(k, a, r.value), from },
  ];
}

export function lowerStep(step: Step): Primitive[] {
  const from = step.op;
  switch (step.op) {
    case 'map':
    case 'flatmap':
    case 'foreach':
    case 'filter':
      return [{ kind: step.op, fn: step.fn, from }];
    case 'accumulate':
      return [{ kind: 'accumulate', fn: step.fn, from }];
    case 'localgroupby':
      return [{ kind: 'localgroupby', extractor: step.extractor, reducer: step.reducer, from }];
    case 'limit':
      // as RedisGears: each shard keeps its first start+length, the originator then cuts the window
      return [
        { kind: 'limit', length: step.length + step.start, start: 0, from },
        { kind: 'collect', from },
        { kind: 'limit', length: step.length, start: step.start, from },
      ];
    case 'collect':
      return [{ kind: 'collect', from }];
    case 'repartition':
      return [{ kind: 'repartition', extractor: step.extractor, from }];
    case 'aggregate':
      return aggregate(step.zero, step.seqOp, step.combOp, from);
    case 'aggregateby':
      return aggregateBy(step.extractor, step.zero, step.seqOp, step.combOp, from);
    case 'groupby':
      return [
        { kind: 'repartition', extractor: step.extractor, from },
        { kind: 'localgroupby', extractor: step.extractor, reducer: step.reducer, from },
      ];
    case 'batchgroupby':
      return [
        { kind: 'repartition', extractor: step.extractor, from },
        { kind: 'batchgroupby', extractor: step.extractor, batchReducer: step.batchReducer, from },
      ];
    case 'sort':
      return [
        { kind: 'collect', from },
        { kind: 'sort', reverse: step.reverse, from },
      ];
    case 'distinct':
      return [
        { kind: 'distinct', from },
        { kind: 'collect', from },
        { kind: 'distinct', from },
      ];
    case 'count':
      return aggregate(
        0,
        (a: number) => a + 1,
        (a: number, r: number) => a + r,
        from,
      );
    case 'countby':
      return aggregateBy(
        step.extractor ?? identity,
        0,
        (_k, a: number) => a + 1,
        (_k, a: number, r: number) => a + r,
        from,
      );
    case 'avg': {
      const extract = step.extractor ?? identity;
      return [
        ...aggregate(
          [0, 0],
          (a: [number, number], r: unknown) => {
            // the extractor may be async, like every other callback
            const value = extract(r);
            const add = (v: unknown): [number, number] => [a[0] + Number(v), a[1] + 1];
            return isThenable(value) ? Promise.resolve(value).then(add) : add(value);
          },
          (a: [number, number], r: [number, number]) => [a[0] + r[0], a[1] + r[1]],
          from,
        ),
        { kind: 'map', fn: (a: [number, number]) => a[0] / a[1], from },
      ];
    }
  }
}

export function lower(steps: readonly Step[]): Primitive[] {
  return steps.flatMap(lowerStep);
}

/**
 * A run's primitives. Spread over shards, run() collects the results to the originating shard
 * unless told `collect: false` (RedisGears appends the same collect step).
 */
export function lowerRun(plan: Plan, distributed: boolean): readonly Primitive[] {
  let local = lowered.get(plan);
  if (!local) lowered.set(plan, (local = lower(plan.steps)));
  if (distributed && plan.action?.options?.collect !== false) return [...local, { kind: 'collect', from: 'run' }];
  return local;
}

// A registration's plan runs once per event: lowered once (primitives are data; operators, which hold
// a run's state, are made per run).
const lowered = new WeakMap<Plan, Primitive[]>();
