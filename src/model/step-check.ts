// RedisGears refuses a step whose callback is not callable when the function is built, before
// anything runs (`map(1)` is an error reply, not one error per record). Same here, for builders in
// applications and in sources alike.
import type { Step } from './plan.js';

/** Each step's callback fields, with the names its signature gives them. */
const CALLBACKS: Partial<Record<Step['op'], { readonly signature: string; readonly fields: readonly string[] }>> = {
  map: { signature: 'map(callback)', fields: ['fn'] },
  flatmap: { signature: 'flatmap(callback)', fields: ['fn'] },
  foreach: { signature: 'foreach(callback)', fields: ['fn'] },
  filter: { signature: 'filter(callback)', fields: ['fn'] },
  accumulate: { signature: 'accumulate(callback)', fields: ['fn'] },
  localgroupby: { signature: 'localgroupby(extractor, reducer)', fields: ['extractor', 'reducer'] },
  repartition: { signature: 'repartition(extractor)', fields: ['extractor'] },
  aggregate: { signature: 'aggregate(zero, seqOp, combOp)', fields: ['seqOp', 'combOp'] },
  aggregateby: { signature: 'aggregateby(extractor, zero, seqOp, combOp)', fields: ['extractor', 'seqOp', 'combOp'] },
  groupby: { signature: 'groupby(extractor, reducer)', fields: ['extractor', 'reducer'] },
  batchgroupby: { signature: 'batchgroupby(extractor, batchReducer)', fields: ['extractor', 'batchReducer'] },
  countby: { signature: 'countby(extractor?)', fields: ['extractor'] },
  avg: { signature: 'avg(extractor?)', fields: ['extractor'] },
};

function shown(value: unknown): string {
  if (typeof value === 'string') return `${JSON.stringify(value)} (a string)`;
  if (value === null) return 'null';
  if (typeof value === 'object') return `${Array.isArray(value) ? 'an array' : 'an object'}`;
  return `${String(value)} (${typeof value})`;
}

/** Throws a TypeError naming the step, the argument and what it got, if the step cannot run. */
export function checkStep(step: Step): void {
  const spec = CALLBACKS[step.op];
  if (spec) {
    for (const field of spec.fields) {
      const value = (step as unknown as Record<string, unknown>)[field];
      const optional = step.op === 'countby' || step.op === 'avg';
      if (typeof value === 'function' || (optional && value === undefined)) continue;
      const name = field === 'fn' ? 'callback' : field;
      throw new TypeError(`${spec.signature}: ${name} must be a function, got ${shown(value)}`);
    }
  }
  if (step.op === 'limit') {
    for (const [name, value] of [
      ['length', step.length],
      ['start', step.start],
    ] as const)
      if (!Number.isInteger(value) || value < 0)
        throw new TypeError(`limit(length, start): ${name} must be a non-negative integer, got ${shown(value)}`);
  }
}
