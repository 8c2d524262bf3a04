import type { Primitive } from '../lower.js';
import type { StepInfo } from './protocol.js';

// RedisGears' step type names (lower case), for RG.GETEXECUTION.
const TYPE: Record<Primitive['kind'], string> = {
  map: 'map',
  flatmap: 'flatmap',
  foreach: 'foreach',
  filter: 'filter',
  accumulate: 'accumulate',
  localgroupby: 'accumulatebykey',
  batchgroupby: 'reduce',
  limit: 'limit',
  collect: 'collect',
  repartition: 'repartition',
  sort: 'sort',
  distinct: 'distinct',
};

function callbackOf(step: Primitive): ((...args: any[]) => unknown) | undefined {
  if ('fn' in step) return step.fn;
  if ('extractor' in step) return step.extractor;
  return undefined;
}

/** Describes lowered steps as RedisGears does: type, the callback's name, and an argument text. */
export function describeSteps(steps: readonly Primitive[]): StepInfo[] {
  return steps.map((step) => {
    const fn = callbackOf(step);
    const arg =
      step.kind === 'limit' ? `${step.length} ${step.start}` : step.kind === 'sort' ? String(step.reverse) : '';
    return { type: TYPE[step.kind], name: fn ? `${step.from}:${fn.name || '<anonymous>'}` : step.kind, arg };
  });
}
