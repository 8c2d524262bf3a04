import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GB } from './builder.js';
import { OPERATION_ALIASES } from './operations.js';
import type { Step } from './plan.js';
import { createReaders } from './readers.js';

const { KeysReader } = createReaders();

const f1 = (r: unknown) => r;
const f2 = (k: unknown, a: unknown) => a;
const f3 = (a: unknown) => a;

describe('operations build their RedisGears steps', () => {
  const cases: [string, (fn: any) => any, Step][] = [
    ['map', (fn) => fn.map(f1), { op: 'map', fn: f1 }],
    ['flatmap', (fn) => fn.flatmap(f1), { op: 'flatmap', fn: f1 }],
    ['foreach', (fn) => fn.foreach(f1), { op: 'foreach', fn: f1 }],
    ['filter', (fn) => fn.filter(f1), { op: 'filter', fn: f1 }],
    ['accumulate', (fn) => fn.accumulate(f3), { op: 'accumulate', fn: f3 }],
    ['localgroupby', (fn) => fn.localgroupby(f1, f2), { op: 'localgroupby', extractor: f1, reducer: f2 }],
    ['limit', (fn) => fn.limit(5, 2), { op: 'limit', length: 5, start: 2 }],
    ['collect', (fn) => fn.collect(), { op: 'collect' }],
    ['repartition', (fn) => fn.repartition(f1), { op: 'repartition', extractor: f1 }],
    ['aggregate', (fn) => fn.aggregate(0, f3, f3), { op: 'aggregate', zero: 0, seqOp: f3, combOp: f3 }],
    [
      'aggregateby',
      (fn) => fn.aggregateby(f1, [], f2, f2),
      { op: 'aggregateby', extractor: f1, zero: [], seqOp: f2, combOp: f2 },
    ],
    ['groupby', (fn) => fn.groupby(f1, f2), { op: 'groupby', extractor: f1, reducer: f2 }],
    ['batchgroupby', (fn) => fn.batchgroupby(f1, f2), { op: 'batchgroupby', extractor: f1, batchReducer: f2 }],
    ['sort', (fn) => fn.sort(true), { op: 'sort', reverse: true }],
    ['distinct', (fn) => fn.distinct(), { op: 'distinct' }],
    ['count', (fn) => fn.count(), { op: 'count' }],
    ['countby', (fn) => fn.countby(f1), { op: 'countby', extractor: f1 }],
    ['avg', (fn) => fn.avg(f1), { op: 'avg', extractor: f1 }],
  ];
  for (const [name, apply, step] of cases) {
    test(`${name} (immutable and builder alike)`, () => {
      assert.deepEqual(apply(KeysReader()).plan.steps, [step]);
      assert.deepEqual(apply(GB()).plan.steps, [step]);
    });
  }

  test('all eighteen operations are covered', () => {
    assert.equal(new Set(cases.map(([, , step]) => step.op)).size, 18);
  });
});

describe('defaults', () => {
  test('limit starts at 0 and sort ascends', () => {
    assert.deepEqual(KeysReader().limit(3).sort().plan.steps, [
      { op: 'limit', length: 3, start: 0 },
      { op: 'sort', reverse: false },
    ]);
  });

  test('countby and avg leave the extractor to the engine when none is given', () => {
    assert.deepEqual(KeysReader().countby().avg().plan.steps, [{ op: 'countby' }, { op: 'avg' }]);
  });

  test('filter and flatmap default to identity, accumulate to a list (RedGrease)', () => {
    const [filter, flatmap, accumulate] = KeysReader().filter().flatmap().accumulate().plan.steps as any[];
    assert.equal(filter.fn(0), 0);
    assert.equal(flatmap.fn('x'), 'x');
    assert.deepEqual(accumulate.fn(accumulate.fn(undefined, 1), 2), [1, 2]);
  });
});

describe('camelCase aliases', () => {
  for (const [alias, op] of Object.entries(OPERATION_ALIASES)) {
    test(`${alias} is ${op}`, () => {
      const args = op === 'aggregateby' ? [f1, 0, f2, f2] : [f1, f2];
      const viaAlias = (KeysReader() as any)[alias](...args).plan.steps;
      const viaName = (KeysReader() as any)[op](...args).plan.steps;
      assert.deepEqual(viaAlias, viaName);
      assert.equal(viaAlias[0].op, op);
      assert.deepEqual((GB() as any)[alias](...args).plan.steps, viaName);
    });
  }
});

describe('per-operation requirements', () => {
  test('are collected into the plan without repeats', () => {
    const fn = KeysReader('*', { requirements: ['a'] })
      .map(f1, { requirements: ['b'] })
      .foreach(f1, { requirements: ['a', 'c'] });
    assert.deepEqual(fn.plan.requirements, ['a', 'b', 'c']);
    assert.deepEqual(fn.plan.steps, [
      { op: 'map', fn: f1 },
      { op: 'foreach', fn: f1 },
    ]);
  });

  test('must be strings', () => {
    assert.throws(() => KeysReader().map(f1, { requirements: [1 as any] }), /map: requirements must be an array/);
  });
});
