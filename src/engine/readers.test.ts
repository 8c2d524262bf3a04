// Every reader in batch mode against a real Redis: record shapes, options, and gearbox's own keys.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GearsError } from './errors.js';
import { parsed, useHarness } from './engine.test.support.js';

const h = useHarness();

const byKey = (a: any, b: any) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

describe('KeysReader', () => {
  test('records {key, value, type, event: null} for every Redis type', async () => {
    await h.client.set('t:string', 'hello');
    await h.client.hset('t:hash', { a: '1', b: 'two' });
    await h.client.rpush('t:list', 'x', 'y', 'z');
    await h.client.sadd('t:set', 'm1', 'm2');
    await h.client.zadd('t:zset', 1.5, 'low', 10, 'high');
    const id1 = await h.client.xadd('t:stream', '1-1', 'f', 'v1');
    const id2 = await h.client.xadd('t:stream', '2-1', 'f', 'v2', 'g', 'w');
    const records = parsed(await h.results("GB('KeysReader', 't:*').run()")).sort(byKey) as any[];
    assert.equal(records.length, 6);
    const get = (key: string) => records.find((r) => r.key === key);
    assert.deepEqual(get('t:string'), { key: 't:string', value: 'hello', type: 'string', event: null });
    assert.deepEqual(get('t:hash'), { key: 't:hash', value: { a: '1', b: 'two' }, type: 'hash', event: null });
    assert.deepEqual(get('t:list'), { key: 't:list', value: ['x', 'y', 'z'], type: 'list', event: null });
    assert.equal(get('t:set').type, 'set');
    assert.deepEqual([...get('t:set').value].sort(), ['m1', 'm2']);
    assert.deepEqual(get('t:zset'), {
      key: 't:zset',
      value: [
        ['low', 1.5],
        ['high', 10],
      ],
      type: 'zset',
      event: null,
    });
    assert.deepEqual(get('t:stream'), {
      key: 't:stream',
      value: [
        { id: id1, value: { f: 'v1' } },
        { id: id2, value: { f: 'v2', g: 'w' } },
      ],
      type: 'stream',
      event: null,
    });
  });

  test('zset scores are numbers when results keep their types', async () => {
    await h.client.zadd('z', 2, 'b', -0.25, 'a');
    const [record] = await h.results("GB('KeysReader', 'z').run({ convertToStr: false })");
    assert.deepEqual((record as any).value, [
      ['a', -0.25],
      ['b', 2],
    ]);
  });

  test('the pattern selects keys; the default reads every key', async () => {
    await h.client.mset({ 'a:1': '1', 'a:2': '2', 'b:1': '3' });
    const a = await h.results("GB('KeysReader', 'a:*').map((r) => r.key).run()");
    assert.deepEqual([...a].sort(), ['a:1', 'a:2']);
    const all = await h.results('GB().map((r) => r.key).run()');
    assert.deepEqual([...all].sort(), ['a:1', 'a:2', 'b:1']);
    const viaRunArg = await h.results("GB().map((r) => r.key).run('b:*')");
    assert.deepEqual(viaRunArg, ['b:1']);
  });

  test('many keys (several SCAN batches) are all read once', async () => {
    const pipeline = h.client.pipeline();
    for (let i = 0; i < 5000; i++) pipeline.set(`n:${i}`, String(i));
    await pipeline.exec();
    const [sum] = await h.results(
      "GB('KeysReader', 'n:*').map((r) => Number(r.value)).aggregate(0, (a, r) => a + r, (a, r) => a + r).run()",
    );
    assert.equal(sum, String((4999 * 5000) / 2));
    const [count] = await h.results("GB('KeysReader', 'n:*').count().run()");
    assert.equal(count, '5000');
  });

  test('noScan reads exactly the named key, even with glob characters in its name', async () => {
    await h.client.set('exact*', 'star');
    await h.client.set('exactly', 'other');
    const records = parsed(await h.results("GB('KeysReader', 'exact*').run({ noScan: true })"));
    assert.deepEqual(records, [{ key: 'exact*', value: 'star', type: 'string', event: null }]);
    // as RedisGears opens the named key: one record even when it does not exist
    assert.deepEqual(parsed(await h.results("GB('KeysReader', 'missing').run({ noScan: true })")), [
      { key: 'missing', value: null, type: 'empty', event: null },
    ]);
    assert.deepEqual(parsed(await h.results("GB('KeysReader', 'missing').run({ noScan: true, readValue: false })")), [
      { key: 'missing', value: null, type: null, event: null },
    ]);
    const hash = parsed(await h.results("await execute('HSET', 'nh', 'f', 'v'); GB().run('nh', { noScan: true })"));
    assert.deepEqual(hash, [{ key: 'nh', value: { f: 'v' }, type: 'hash', event: null }]);
    const viaReader = parsed(await h.results("KeysReader('exactly', { noScan: true }).run()"));
    assert.deepEqual(viaReader, [{ key: 'exactly', value: 'other', type: 'string', event: null }]);
  });

  test('readValue false: value and type are null', async () => {
    await h.client.set('rv:s', 'v');
    await h.client.hset('rv:h', 'f', 'v');
    const records = parsed(await h.results("GB('KeysReader', 'rv:*').run({ readValue: false })")).sort(byKey);
    assert.deepEqual(records, [
      { key: 'rv:h', value: null, type: null, event: null },
      { key: 'rv:s', value: null, type: null, event: null },
    ]);
    const viaReader = parsed(await h.results("KeysReader('rv:s', { readValue: false }).run()"));
    assert.deepEqual(viaReader, [{ key: 'rv:s', value: null, type: null, event: null }]);
  });

  test("gearbox's own keys are never seen", async () => {
    await h.client.set('__gearbox:registrations', 'x');
    await h.client.set('{__gearbox:}:other', 'x');
    await h.client.set('user', 'u');
    assert.deepEqual(await h.results('GB().map((r) => r.key).run()'), ['user']);
    assert.deepEqual(await h.results("GB('KeysReader', '__gearbox:*').map((r) => r.key).run()"), []);
    assert.deepEqual(await h.results("GB('KeysReader', '__gearbox:registrations').run({ noScan: true })"), []);
    assert.deepEqual(await h.results("GB('KeysOnlyReader').run()"), ['user']);
    await h.client.xadd('__gearbox:stream', '1-0', 'f', 'v');
    assert.deepEqual(await h.results("GB('StreamReader', '__gearbox:stream').run()"), []);
    assert.deepEqual(await h.results("GB('StreamReader', '__gearbox:*').run()"), []);
    assert.deepEqual(await h.results("GB('KeysOnlyReader', '__gearbox:registrations').run({ noScan: true })"), []);
  });
});

describe('KeysOnlyReader', () => {
  test('yields key names matching the pattern', async () => {
    await h.client.mset({ 'ko:1': 'a', 'ko:2': 'b', other: 'c' });
    await h.client.hset('ko:h', 'f', 'v');
    const keys = await h.results("GB('KeysOnlyReader', 'ko:*').run()");
    assert.deepEqual([...keys].sort(), ['ko:1', 'ko:2', 'ko:h']);
    const viaReader = await h.results("KeysOnlyReader('ko:*').run()");
    assert.deepEqual([...viaReader].sort(), ['ko:1', 'ko:2', 'ko:h']);
  });

  test('count is only a SCAN hint: every key is still read', async () => {
    const pipeline = h.client.pipeline();
    for (let i = 0; i < 300; i++) pipeline.set(`c:${i}`, 'x');
    await pipeline.exec();
    assert.deepEqual(await h.results("GB('KeysOnlyReader', 'c:*').count().run({ count: 7 })"), ['300']);
    assert.deepEqual(await h.results("KeysOnlyReader('c:*', { count: 5 }).count().run()"), ['300']);
  });

  test('noScan yields the named key only when it exists', async () => {
    await h.client.set('only?', '1');
    await h.client.set('onlyX', '1');
    assert.deepEqual(await h.results("GB('KeysOnlyReader', 'only?').run({ noScan: true })"), ['only?']);
    assert.deepEqual(await h.results("GB('KeysOnlyReader', 'nothing').run({ noScan: true })"), []);
  });
});

describe('StreamReader', () => {
  test('records {key, id, value} in id order, strictly after fromId', async () => {
    await h.client.xadd('s1', '1-0', 'a', '1');
    await h.client.xadd('s1', '2-0', 'a', '2', 'b', 'x');
    await h.client.xadd('s1', '3-0', 'a', '3');
    const all = parsed(await h.results("GB('StreamReader', 's1').run()"));
    assert.deepEqual(all, [
      { key: 's1', id: '1-0', value: { a: '1' } },
      { key: 's1', id: '2-0', value: { a: '2', b: 'x' } },
      { key: 's1', id: '3-0', value: { a: '3' } },
    ]);
    const from = parsed(await h.results("GB('StreamReader', 's1').run({ fromId: '1-0' })"));
    assert.deepEqual(
      from.map((r: any) => r.id),
      ['2-0', '3-0'],
    );
    assert.deepEqual(await h.results("StreamReader('s1', { fromId: '2-0' }).map((r) => r.id).run()"), ['3-0']);
    assert.deepEqual(await h.results("StreamReader('s1', { fromId: '3-0' }).map((r) => r.id).run()"), []);
    assert.deepEqual(await h.results("StreamReader('s1', { fromId: '1' }).map((r) => r.id).run()"), ['2-0', '3-0']);
  });

  test("a malformed fromId: Redis' own error in the errors array", async () => {
    await h.client.xadd('s1', '1-0', 'a', '1');
    const { results, errors } = await h.run("GB('StreamReader', 's1').run({ fromId: 'not-an-id' })");
    assert.deepEqual(results, []);
    assert.deepEqual(errors, ['ERR Invalid stream ID specified as stream command argument']);
  });

  test('a long stream is read completely', async () => {
    const pipeline = h.client.pipeline();
    for (let i = 1; i <= 2500; i++) pipeline.xadd('long', `${i}-0`, 'n', String(i));
    await pipeline.exec();
    const [sum] = await h.results(
      "GB('StreamReader', 'long').map((r) => Number(r.value.n)).aggregate(0, (a, r) => a + r, (a, r) => a + r).run()",
    );
    assert.equal(sum, String((2500 * 2501) / 2));
  });

  test('a glob reads every stream it matches and skips other types', async () => {
    await h.client.xadd('st:a', '1-0', 'f', 'a');
    await h.client.xadd('st:b', '1-0', 'f', 'b');
    await h.client.set('st:string', 'nope');
    const keys = await h.results("GB('StreamReader', 'st:*').map((r) => r.key + '/' + r.value.f).run()");
    assert.deepEqual([...keys].sort(), ['st:a/a', 'st:b/b']);
  });

  test('a missing stream yields nothing', async () => {
    assert.deepEqual(await h.results("GB('StreamReader', 'nostream').run()"), []);
  });
});

describe('JavaScriptReader', () => {
  test('a sync generator', async () => {
    const results = await h.results(
      "GB('JavaScriptReader', function* () { for (let i = 0; i < 3; i++) yield { i }; }).map((r) => r.i * 10).run()",
    );
    assert.deepEqual(results, ['0', '10', '20']);
  });

  test('an async generator that reads Redis', async () => {
    await h.client.rpush('q', 'a', 'b', 'c');
    const results = await h.results(`
      GB('JavaScriptReader', async function* () {
        for (;;) {
          const item = await execute('LPOP', 'q');
          if (item === null) return;
          yield item;
        }
      }).run()`);
    assert.deepEqual(results, ['a', 'b', 'c']);
  });

  test('PythonReader is an alias; the reader constructors work too', async () => {
    assert.deepEqual(await h.results("GB('PythonReader', function* () { yield 1; yield 2; }).run()"), ['1', '2']);
    assert.deepEqual(await h.results('JavaScriptReader(function* () { yield "x"; }).run()'), ['x']);
    assert.deepEqual(await h.results('PythonReader(function* () { yield "y"; }).run()'), ['y']);
  });

  test('more items than one chunk all come through in order', async () => {
    const results = await h.results(
      "GB('JavaScriptReader', function* () { for (let i = 0; i < 2500; i++) yield i; }).accumulate((a, r) => { a = a ?? []; a.push(r); return a; }).run({ convertToStr: false })",
    );
    assert.deepEqual(
      results[0],
      Array.from({ length: 2500 }, (_, i) => i),
    );
  });

  test('a generator that throws: its message is in errors', async () => {
    const { results, errors } = await h.run(
      "GB('JavaScriptReader', function* () { yield 1; throw new Error('generator broke'); }).run()",
    );
    assert.ok(
      errors.some((e) => e.includes('generator broke')),
      JSON.stringify(errors),
    );
    assert.ok(results.length <= 1);
  });
});

describe('ShardsIDReader', () => {
  test('one record: the 40-hex shard id', async () => {
    const results = await h.results("GB('ShardsIDReader').run()");
    assert.equal(results.length, 1);
    assert.match(String(results[0]), /^[0-9a-f]{40}$/);
    assert.equal(results[0], h.engine.shardId);
    assert.deepEqual(await h.results('ShardsIDReader().run()'), results);
  });
});

describe('CommandReader', () => {
  test('run() is an error reply: this reader can only be registered, with a trigger', async () => {
    for (const source of ["GB('CommandReader').run()", "CommandReader().map((args) => args.join('|')).run(['x'])"])
      await assert.rejects(h.execute(source), (err: Error) => {
        assert.ok(err instanceof GearsError);
        assert.match(err.message, /CommandReader can only be registered/);
        return true;
      });
    await assert.rejects(h.execute("GB('CommandReader').register()"), /trigger/);
  });
});
