// Every operation with RedisGears' semantics and argument orders, run by the engine on real Redis.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { parsed, useHarness } from './engine.test.support.js';

const h = useHarness(async () => undefined);

/** A function source reading `items` (JSON) from a JavaScriptReader, followed by `chain`. */
const from = (items: unknown[], chain: string) =>
  `GB('JavaScriptReader', function* () { yield* ${JSON.stringify(items)}; })${chain}`;

/** Results of `chain` over `items`, keeping their types. */
const raw = (items: unknown[], chain: string) => h.results(from(items, `${chain}.run({ convertToStr: false })`));

const byKey = (a: any, b: any) => (String(a.key) < String(b.key) ? -1 : String(a.key) > String(b.key) ? 1 : 0);

describe('per-record operations', () => {
  test('map', async () => {
    assert.deepEqual(await raw([1, 2, 3], '.map((r) => r * 2)'), [2, 4, 6]);
  });

  test('flatmap: an iterable gives its items in order, anything else (a string too) is one record', async () => {
    assert.deepEqual(await raw([[1, 2], [3]], '.flatmap((r) => r)'), [1, 2, 3]);
    assert.deepEqual(await raw(['ab', 'cd'], '.flatmap((r) => r)'), ['ab', 'cd']);
    assert.deepEqual(await raw([1], '.flatmap((r) => new Set([r, r + 1]))'), [1, 2]);
    assert.deepEqual(await raw([3], '.flatmap(function* (r) { for (let i = 0; i < r; i++) yield i; })'), [0, 1, 2]);
    assert.deepEqual(await raw([{ a: 1 }, 5], '.flatmap((r) => r)'), [{ a: 1 }, 5]);
    assert.deepEqual(await raw([1], '.flatMap((r) => [r, r])'), [1, 1]);
  });

  test('foreach runs for each record and passes records on unchanged', async () => {
    await h.flush();
    const results = await raw([1, 2, 3], ".foreach((r) => { execute('RPUSH', 'seen', String(r)); return 'ignored'; })");
    assert.deepEqual(results, [1, 2, 3]);
    assert.deepEqual(await raw([4], '.forEach((r) => 99)'), [4]);
  });

  test('filter keeps records whose callback is truthy', async () => {
    assert.deepEqual(await raw([1, 2, 3, 4, 5], '.filter((r) => r % 2)'), [1, 3, 5]);
  });

  test('async callbacks (promises) are awaited, order is kept', async () => {
    await h.flush();
    await h.client.mset({ a: '1', b: '2', c: '3' });
    const results = await raw(
      ['c', 'a', 'b'],
      ".map(async (k) => Number(await execute('GET', k)))" +
        '.filter(async (n) => n !== 2)' +
        ".foreach(async (n) => { await execute('INCR', 'touched'); })" +
        '.flatmap(async (n) => [n, n * 10])',
    );
    assert.deepEqual(results, [3, 30, 1, 10]);
    assert.equal(await h.client.get('touched'), '2');
    // slower promises first: the outputs still keep input order
    const delayed = await raw([30, 1, 15], '.map((ms) => new Promise((resolve) => setTimeout(() => resolve(ms), ms)))');
    assert.deepEqual(delayed, [30, 1, 15]);
  });
});

describe('accumulate and limit', () => {
  test('accumulate starts with acc undefined and yields the final accumulator', async () => {
    assert.deepEqual(await raw([1, 2, 3], '.accumulate((a, r) => (a ?? 100) + r)'), [106]);
    assert.deepEqual(await raw([1, 2], '.accumulate(async (a, r) => { a = a ?? []; a.push(r); return a; })'), [[1, 2]]);
  });

  test('limit(length, start)', async () => {
    assert.deepEqual(await raw([1, 2, 3, 4, 5], '.limit(2)'), [1, 2]);
    assert.deepEqual(await raw([1, 2, 3, 4, 5], '.limit(2, 1)'), [2, 3]);
    assert.deepEqual(await raw([1, 2, 3], '.limit(10, 2)'), [3]);
    assert.deepEqual(await raw([1, 2, 3], '.limit(0)'), []);
  });
});

describe('grouping', () => {
  test('localgroupby(extractor, reducer): reducer gets (key, acc, record), outputs {key, value}', async () => {
    const results = (await raw(
      ['a1', 'b1', 'a2', 'a3'],
      ".localgroupby((r) => r[0], (k, acc, r) => (acc ?? k + ':') + r[1])",
    )) as any[];
    assert.deepEqual(results.sort(byKey), [
      { key: 'a', value: 'a:123' },
      { key: 'b', value: 'b:1' },
    ]);
    const alias = (await raw(['x', 'x'], '.localGroupBy((r) => r, (k, a) => (a ?? 0) + 1)')) as any[];
    assert.deepEqual(alias, [{ key: 'x', value: 2 }]);
  });

  test('groupby(extractor, reducer) and its alias', async () => {
    const results = (await raw(
      [1, 2, 3, 4, 5],
      ".groupby((r) => (r % 2 ? 'odd' : 'even'), (k, acc, r) => (acc ?? 0) + r)",
    )) as any[];
    assert.deepEqual(results.sort(byKey), [
      { key: 'even', value: 6 },
      { key: 'odd', value: 9 },
    ]);
    const alias = (await raw([1, 2, 3], '.groupBy(() => 0, (k, acc, r) => (acc ?? 0) + r)')) as any[];
    assert.deepEqual(alias, [{ key: 0, value: 6 }]);
  });

  test('batchgroupby(extractor, batchReducer): the reducer gets the key and all its records', async () => {
    const results = (await raw(
      [1, 2, 3, 4, 5],
      '.batchgroupby((r) => r % 3, (k, records) => ({ k, records }))',
    )) as any[];
    assert.deepEqual(results.sort(byKey), [
      { key: 0, value: { k: 0, records: [3] } },
      { key: 1, value: { k: 1, records: [1, 4] } },
      { key: 2, value: { k: 2, records: [2, 5] } },
    ]);
    const alias = await raw([1, 1], '.batchGroupBy((r) => r, async (k, records) => records.length)');
    assert.deepEqual(alias, [{ key: 1, value: 2 }]);
  });

  test('group keys keep the extractor type: 1 and "1" are different groups', async () => {
    const results = (await raw([1, '1', 1], '.countby((r) => r)')) as any[];
    assert.equal(results.length, 2);
    assert.deepEqual(
      results.find((r) => r.key === 1),
      { key: 1, value: 2 },
    );
    assert.deepEqual(
      results.find((r) => r.key === '1'),
      { key: '1', value: 1 },
    );
    const objects = (await raw([{ a: 1 }, { a: 1 }, '{"a":1}'], '.groupby((r) => r, (k, a) => (a ?? 0) + 1)')) as any[];
    assert.equal(objects.length, 2);
    assert.deepEqual(
      objects.find((r) => typeof r.key === 'object'),
      { key: { a: 1 }, value: 2 },
    );
    const text = await h.results(from([1, '1'], '.countby((r) => r).run()'));
    assert.deepEqual([...text].sort(), ['{"key":"1","value":1}', '{"key":1,"value":1}']);
  });

  test('async extractors and reducers', async () => {
    const results = (await raw(
      [1, 2, 3, 4],
      ".groupby(async (r) => (r > 2 ? 'big' : 'small'), async (k, acc, r) => (acc ?? 0) + r)",
    )) as any[];
    assert.deepEqual(results.sort(byKey), [
      { key: 'big', value: 7 },
      { key: 'small', value: 3 },
    ]);
    const local = (await raw([1, 2, 3], '.localgroupby(async () => 0, async (k, acc, r) => (acc ?? 0) + r)')) as any[];
    assert.deepEqual(local, [{ key: 0, value: 6 }]);
  });
});

describe('aggregates', () => {
  test('aggregate(zero, seqOp, combOp) and empty input', async () => {
    const data = Array.from({ length: 100 }, (_, i) => i);
    assert.deepEqual(await h.results(from(data, '.aggregate(0, (a, r) => a + r, (a, r) => a + r).run()')), ['4950']);
    assert.deepEqual(
      await raw([1, 2], '.aggregate([], (a, r) => { a.push(r); return a; }, (a, r) => { a.push(...r); return a; })'),
      [[1, 2]],
    );
    assert.deepEqual(await raw([1, 2, 3], '.aggregate(1, async (a, r) => a * r, async (a, r) => a * r)'), [6]);
    assert.deepEqual(await raw([], '.aggregate(0, (a, r) => a + r, (a, r) => a + r)'), []);
  });

  test('the zero value is not shared between executions', async () => {
    const source = from(
      [1, 2],
      '.aggregate({ list: [] }, (a, r) => { a.list.push(r); return a; }, (a, r) => { a.list.push(...r.list); return a; }).run({ convertToStr: false })',
    );
    const wrapped = `const zero = { list: [] };\n${source.replace('{ list: [] }', 'zero')}`;
    assert.deepEqual(await h.results(wrapped), [{ list: [1, 2] }]);
    assert.deepEqual(await h.results(wrapped), [{ list: [1, 2] }]);
  });

  test('the zero value is copied deeply, keeping class instances and sharing functions', async () => {
    const source = `
      class Stats {
        constructor() { this.sum = 0; this.seen = new Set(); }
        add(x) { this.sum += x; this.seen.add(x); return this; }
      }
      GB('JavaScriptReader', function* () { yield* [1, 2, 2, 3]; })
        .aggregateby((r) => r % 2, new Stats(), (k, a, r) => a.add(r), (k, a, r) => a.add(r.sum))
        .map((g) => ({ key: g.key, sum: g.value.sum, isStats: g.value instanceof Stats }))
        .run({ convertToStr: false })`;
    const results = (await h.results(source)) as any[];
    assert.deepEqual(results.sort(byKey), [
      { key: 0, sum: 4, isStats: true },
      { key: 1, sum: 4, isStats: true },
    ]);
    const withFunction = await raw(
      [1, 2],
      '.aggregate({ n: 0, double: (x) => 2 * x }, (a, r) => { a.n += a.double(r); return a; }, (a, r) => { a.n += r.n; return a; }).map((a) => a.n)',
    );
    assert.deepEqual(withFunction, [6]);
  });

  test('aggregateby(extractor, zero, seqOp, combOp): zero copied per group, outputs {key, value}', async () => {
    const results = (await raw(
      ['a1', 'b2', 'a3'],
      '.aggregateby((r) => r[0], [], (k, acc, r) => { acc.push(r); return acc; }, (k, acc, r) => { acc.push(...r); return acc; })',
    )) as any[];
    assert.deepEqual(results.sort(byKey), [
      { key: 'a', value: ['a1', 'a3'] },
      { key: 'b', value: ['b2'] },
    ]);
    const alias = (await raw(
      [1, 2, 3],
      '.aggregateBy((r) => r > 1, 0, (k, a, r) => a + r, (k, a, r) => a + r)',
    )) as any[];
    assert.deepEqual(alias.sort(byKey), [
      { key: false, value: 1 },
      { key: true, value: 5 },
    ]);
  });

  test('count, countby and avg', async () => {
    const data = Array.from({ length: 100 }, (_, i) => i);
    assert.deepEqual(await h.results(from(data, '.count().run()')), ['100']);
    assert.deepEqual(await h.results(from(data, '.avg().run()')), ['49.5']);
    assert.deepEqual(await h.results(from([{ n: 2 }, { n: 4 }], '.avg((r) => r.n).run()')), ['3']);
    assert.deepEqual(await h.results(from([{ n: 2 }, { n: 5 }], '.avg(async (r) => r.n).run()')), ['3.5']);
    const counted = parsed(await h.results(from(['a', 'b', 'a'], '.countby().run()'))) as any[];
    assert.deepEqual(counted.sort(byKey), [
      { key: 'a', value: 2 },
      { key: 'b', value: 1 },
    ]);
    const byLength = (await raw(['aa', 'b', 'cc'], '.countBy((r) => r.length)')) as any[];
    assert.deepEqual(byLength.sort(byKey), [
      { key: 1, value: 1 },
      { key: 2, value: 2 },
    ]);
    const asyncCount = (await raw(['aa', 'b'], '.countby(async (r) => r.length)')) as any[];
    assert.deepEqual(asyncCount.sort(byKey), [
      { key: 1, value: 1 },
      { key: 2, value: 1 },
    ]);
  });

  test('count on no keys gives no results, as RedisGears', async () => {
    await h.flush();
    assert.deepEqual(await h.results("GB('KeysReader', 'none:*').count().run()"), []);
    assert.deepEqual(await h.results("GB('KeysReader', 'none:*').avg().run()"), []);
    assert.deepEqual(await h.results("GB('KeysReader', 'none:*').countby().run()"), []);
    assert.deepEqual(await h.results("GB('KeysReader', 'none:*').sort().run()"), []);
  });
});

describe('sort, distinct, collect, repartition', () => {
  test('sort: numbers numerically, strings by code unit, others by JSON; reverse', async () => {
    assert.deepEqual(await raw([10, 9, 100, -1.5], '.sort()'), [-1.5, 9, 10, 100]);
    assert.deepEqual(await raw([10, 9, 100], '.sort(true)'), [100, 10, 9]);
    assert.deepEqual(await raw(['b', 'B', 'a', 'ab'], '.sort()'), ['B', 'a', 'ab', 'b']);
    assert.deepEqual(await raw(['b', 'B', 'a'], '.sort(false)'), ['B', 'a', 'b']);
    // by JSON text: '{"a":10}' sorts before '{"a":1}' ('0' < '}')
    assert.deepEqual(await raw([{ a: 2 }, { a: 1 }, { a: 10 }], '.sort()'), [{ a: 10 }, { a: 1 }, { a: 2 }]);
    assert.deepEqual(await raw([[2], [1, 5]], '.sort(true)'), [[2], [1, 5]]);
  });

  test('distinct: equal values (by JSON for objects) once; 1 and "1" differ', async () => {
    assert.deepEqual(await raw([1, 2, 1, 3, 2], '.distinct()'), [1, 2, 3]);
    assert.deepEqual(await raw([1, '1', 1], '.distinct()'), [1, '1']);
    assert.deepEqual(await raw([{ a: 1 }, { a: 1 }, { a: 2 }], '.distinct()'), [{ a: 1 }, { a: 2 }]);
  });

  test('collect and repartition pass records through on one shard', async () => {
    assert.deepEqual(await raw([1, 2, 3], '.collect().map((r) => r + 1)'), [2, 3, 4]);
    assert.deepEqual(await raw([1, 2, 3], '.repartition((r) => String(r)).map((r) => r + 1)'), [2, 3, 4]);
  });

  test('repartition calls its extractor on every record on one shard too; a throw drops that record into errors', async () => {
    const { results, errors } = await h.run(`
      let calls = 0;
      GB('JavaScriptReader', function* () { yield* [1, 2, 3, 4]; })
        .repartition((r) => { calls++; if (r === 2) throw new Error('no key for 2'); return String(r); })
        .repartition(async (r) => { calls++; if (r === 3) throw new Error('async no key for 3'); return String(r); })
        .map((r) => r + ':' + calls)
        .run()`);
    assert.deepEqual(results, ['1:7', '4:7']);
    assert.deepEqual(errors, ['no key for 2', 'async no key for 3']);
  });

  test('a chain over real keys', async () => {
    await h.flush();
    const pipeline = h.client.pipeline();
    for (let i = 0; i < 100; i++) pipeline.hset(`person:${i}`, { age: String(20 + (i % 5)), name: `p${i}` });
    await pipeline.exec();
    const results = (await h.results(
      "GB('KeysReader', 'person:*').map((r) => Number(r.value.age)).countby().sort().run({ convertToStr: false })",
    )) as any[];
    assert.deepEqual(results.sort(byKey), [
      { key: 20, value: 20 },
      { key: 21, value: 20 },
      { key: 22, value: 20 },
      { key: 23, value: 20 },
      { key: 24, value: 20 },
    ]);
  });
});

describe('results', () => {
  beforeEach(async () => {
    await h.flush();
  });

  test('convertToStr (default): strings as is, numbers in decimal, anything else as JSON', async () => {
    const results = await h.results(
      "GB('JavaScriptReader', function* () { yield 'text'; yield 49.5; yield 4950; yield { a: [1, 'x'] }; yield [1, 2]; yield true; yield null; }).run()",
    );
    assert.deepEqual(results, ['text', '49.5', '4950', '{"a":[1,"x"]}', '[1,2]', 'true', 'null']);
  });

  test('convertToStr false: results keep their types', async () => {
    const results = await h.results(
      "GB('JavaScriptReader', function* () { yield 'text'; yield 49.5; yield 4950; yield { a: [1, 'x'] }; yield [1, 2]; yield true; yield null; }).run({ convertToStr: false })",
    );
    assert.deepEqual(results, ['text', 49.5, 4950, { a: [1, 'x'] }, [1, 2], true, null]);
  });

  test('GB defaults carry run options', async () => {
    await h.client.set('d', '7');
    const results = await h.results("KeysReader('d', { convertToStr: false }).map((r) => Number(r.value)).run()");
    assert.deepEqual(results, [7]);
  });
});
