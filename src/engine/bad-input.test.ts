// Bad input: sources that do not parse or build nothing, unknown readers, callbacks that throw,
// and a Redis that is not there (then comes back).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { freePort, startRedis } from '../../test/support/redis.js';
import { Engine } from './engine.js';
import { GearsError } from './errors.js';
import { useHarness } from './engine.test.support.js';

const h = useHarness();

describe('sources that do not run', () => {
  test('a source that does not parse: a GearsError naming the problem, and nothing runs', async () => {
    const source = "await execute('SET', 'written', '1');\nGB().map((r) => ).run()";
    await assert.rejects(h.execute(source), (err: Error) => {
      assert.ok(err instanceof GearsError);
      assert.match(err.message, /does not parse/);
      assert.match(err.message, /SyntaxError: Unexpected token/);
      return true;
    });
    await assert.rejects(h.execute(source, { unblocking: true }), GearsError);
    assert.equal(await h.client.exists('written'), 0);
    assert.deepEqual(h.engine.executions.list(), []);
  });

  test('a source that redeclares a runtime global does not parse either', async () => {
    await assert.rejects(h.execute("const GB = 1; execute('SET', 'written', '1');"), /GB/);
    assert.equal(await h.client.exists('written'), 0);
  });

  test('a source that builds no function is an error', async () => {
    await assert.rejects(h.execute('const x = 1;'), (err: Error) => {
      assert.ok(err instanceof GearsError);
      assert.match(err.message, /built no gear function/);
      return true;
    });
    await assert.rejects(h.execute('GB().map((r) => r)'), /built no gear function/);
  });

  test('a source that closes two functions with run() is an error', async () => {
    await assert.rejects(h.execute("GB('ShardsIDReader').run(); GB('ShardsIDReader').run();"), /one function/);
  });

  test('a source that throws at top level: a GearsError with its message and where in the source', async () => {
    await assert.rejects(
      h.execute("throw new Error('top level failure')"),
      /top level failure \(at line 1:7 of the source\)$/,
    );
    // the innermost frame of the source's own code: the helper's line, not the call's
    await assert.rejects(
      h.execute('const a = 1;\nfunction f(o) {\n  return o.x.y;\n}\nf({});\nGB().run();'),
      /^GearsError: Cannot read properties of undefined \(reading 'y'\) \(at line 3:14 of the source\)$/,
    );
  });

  test('an unknown reader is an error naming it', async () => {
    await assert.rejects(h.execute("GB('NoSuchReader').run()"), (err: Error) => {
      assert.ok(err instanceof GearsError);
      assert.match(err.message, /NoSuchReader/);
      return true;
    });
  });

  test("a reader argument of the wrong kind is reported, not thrown at the engine's feet", async () => {
    const keys = await h.run("GB('KeysReader', 42).run()");
    assert.deepEqual(keys.results, []);
    assert.equal(keys.errors.length, 1);
    assert.match(keys.errors[0], /pattern/);
    await assert.rejects(h.execute("GB('JavaScriptReader', 5).run()"), /generator/);
  });
});

describe('steps and readers that cannot run: an error reply before anything runs', () => {
  const refused = async (source: string, message: RegExp) => {
    await assert.rejects(h.execute(`await execute('INCR', 'evaluated'); ${source}`), (err: Error) => {
      assert.ok(err instanceof GearsError, String(err));
      // the step's call is where the source threw
      const [, what, where] = /^(.*) \(at line (\d+):\d+ of the source\)$/.exec(err.message) ?? [];
      assert.equal(where, '1', err.message);
      assert.match(what!, message);
      return true;
    });
  };

  test('a step given something other than a callback names the step and what it got', async () => {
    await h.client.set('k', '1');
    await refused('GB().map(1).run()', /^map\(callback\): callback must be a function, got 1 \(number\)$/);
    await refused("GB().filter('x').run()", /^filter\(callback\): callback must be a function, got "x" \(a string\)$/);
    await refused('GB().groupby(1, 2).run()', /^groupby\(extractor, reducer\): extractor must be a function, got 1/);
    await refused('GB().groupby((r) => r, 2).run()', /reducer must be a function, got 2 \(number\)/);
    await refused('GB().aggregate(0, 1, 2).run()', /^aggregate\(zero, seqOp, combOp\): seqOp must be a function/);
    await refused('GB().aggregateby((r) => r, 0, (k, a) => a, {}).run()', /combOp must be a function, got an object/);
    await refused('GB().flatmap(null).run()', /flatmap\(callback\): callback must be a function, got null/);
    await refused("GB().countby('key').run()", /countby\(extractor\?\): extractor must be a function/);
    await refused('GB().accumulate(5).run()', /accumulate\(callback\)/);
    await refused('GB().localgroupby((r) => r).run()', /reducer must be a function, got undefined/);
    await refused('GB().batchgroupby((r) => r, 1).run()', /batchReducer must be a function/);
    await refused('GB().repartition(1).run()', /repartition\(extractor\)/);
    await refused('GB().avg([]).run()', /avg\(extractor\?\): extractor must be a function, got an array/);
    await refused("GB().limit('3').run()", /limit\(length, start\): length must be a non-negative integer, got "3"/);
    await refused('GB().limit(3, -1).run()', /start must be a non-negative integer, got -1/);
    // the source was evaluated up to the bad step (its own commands ran), but no execution read anything
    assert.equal(await h.client.get('evaluated'), '15');
    assert.deepEqual(h.engine.executions.list(), []);
  });

  test('a JavaScriptReader run without a generator function is an error reply', async () => {
    await refused("GB('JavaScriptReader').run('*')", /JavaScriptReader needs a generator function/);
    await refused("GB('JavaScriptReader').run()", /got "\*"/);
    await refused("GB('PythonReader', 5).run()", /generator function .* got number/);
    const iterable = await h.results("GB('JavaScriptReader', [1, 2]).run()");
    assert.deepEqual(iterable, ['1', '2']);
  });

  test('RG.JSEXECUTE of a register() on a reader without events is an error reply', async () => {
    await refused("GB('JavaScriptReader', function* () {}).register()", /batch mode and cannot be registered/);
    await refused("GB('ShardsIDReader').register()", /batch mode and cannot be registered/);
  });
});

describe('callbacks that throw', () => {
  test('the message is in errors, that record is dropped, the rest are processed', async () => {
    const { results, errors } = await h.run(
      "GB('JavaScriptReader', function* () { yield* [1, 2, 3, 4]; }).map((x) => { if (x === 2) throw new Error('bad record 2'); return x * 10; }).run()",
    );
    assert.deepEqual(results, ['10', '30', '40']);
    assert.deepEqual(errors, ['bad record 2']);
  });

  test('in async callbacks, filters, reducers and aggregates too; non-Error throws are reported', async () => {
    const { results, errors } = await h.run(`
      GB('JavaScriptReader', function* () { yield* [1, 2, 3, 4, 5, 6]; })
        .map(async (x) => { if (x === 1) throw new Error('async map'); return x; })
        .filter((x) => { if (x === 2) throw 'thrown string'; return true; })
        .groupby((x) => x % 2, (k, acc, x) => { if (x === 3) throw new TypeError('reducer'); return (acc ?? 0) + x; })
        .map((g) => g.value)
        .aggregate(0, (a, r) => a + r, (a, r) => a + r)
        .run()`);
    assert.deepEqual(results, [String(4 + 5 + 6)]);
    assert.deepEqual([...errors].sort(), ['async map', 'reducer', 'thrown string']);
  });

  test('errors of a batchgroupby reducer and a flatmap', async () => {
    const { results, errors } = await h.run(`
      GB('JavaScriptReader', function* () { yield* [1, 2, 3]; })
        .flatmap((x) => { if (x === 3) throw new Error('flat'); return [x, x]; })
        .batchgroupby((x) => x, (k, rs) => { if (k === 1) throw new Error('batch'); return rs.length; })
        .run({ convertToStr: false })`);
    assert.deepEqual(results, [{ key: 2, value: 2 }]);
    assert.deepEqual([...errors].sort(), ['batch', 'flat']);
  });
});

describe('results that are not data', () => {
  test('with convertToStr off, a result holding a function is dropped with an error; the others arrive', async () => {
    const { results, errors } = await h.run(
      "GB('JavaScriptReader', function* () { yield* [1, 2]; }).map((x) => (x === 1 ? { f() {} } : x)).run({ convertToStr: false })",
    );
    assert.deepEqual(results, [2]);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /not data/);
  });
});

describe('what a function leaves behind', () => {
  test('an exception thrown later from a timer does not fail the next execution on that thread', async () => {
    const engine = await Engine.start({ redisUrl: h.server.url, config: { ExecutionThreads: 1 } });
    try {
      const first = await engine.execute(
        "setTimeout(() => { throw new Error('late failure'); }, 20); GB('ShardsIDReader').run()",
      );
      assert.deepEqual((first as { errors: string[] }).errors, []);
      const second = await engine.execute(
        "GB('JavaScriptReader', function* () { yield 1; }).map(() => new Promise((r) => setTimeout(r, 100, 'second'))).run()",
      );
      assert.deepEqual(second, { kind: 'results', results: ['second'], errors: [] });
    } finally {
      await engine.close();
    }
  });

  test('a promise left to reject does not fail the execution', async () => {
    const outcome = await h.execute("Promise.reject(new Error('ignored')); GB('ShardsIDReader').count().run()");
    assert.deepEqual(outcome, { kind: 'results', results: ['1'], errors: [] });
  });
});

describe('Redis unreachable', () => {
  test('execute rejects quickly naming the address, and works once Redis is there', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const engine = await Engine.start({ redisUrl: url, config: { ExecutionThreads: 1 } });
    let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
    try {
      await assert.rejects(engine.execute("GB('ShardsIDReader').run()"), (err: Error) => {
        assert.ok(err instanceof GearsError);
        assert.ok(err.message.includes(`127.0.0.1:${port}`), err.message);
        return true;
      });
      await assert.rejects(engine.execute("GB('ShardsIDReader').run()", { unblocking: true }), GearsError);
      redis = await startRedis([], port);
      // the engine reconnects by itself; until it has, execute keeps answering the same clear error
      let outcome;
      for (let attempt = 0; ; attempt++) {
        try {
          outcome = await engine.execute("GB('ShardsIDReader').map(async () => await execute('PING')).run()");
          break;
        } catch (err) {
          assert.ok(err instanceof GearsError && err.message.includes(`127.0.0.1:${port}`), String(err));
          assert.ok(attempt < 400, 'the engine never reconnected');
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      assert.deepEqual(outcome, { kind: 'results', results: ['PONG'], errors: [] });
      // Redis goes away again and comes back
      await redis.stop();
      redis = undefined;
      let error: unknown;
      for (let attempt = 0; attempt < 400 && !error; attempt++) {
        error = await engine.execute("GB('ShardsIDReader').run()").then(
          () => undefined,
          (err: unknown) => err,
        );
        if (!error) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(error instanceof GearsError && error.message.includes(`127.0.0.1:${port}`), String(error));
      redis = await startRedis([], port);
      for (let attempt = 0; ; attempt++) {
        const ok = await engine
          .execute("GB('JavaScriptReader', function* () { yield 1; }).map(async () => await execute('PING')).run()")
          .then(
            (o) => o,
            () => undefined,
          );
        if (ok) {
          assert.deepEqual(ok, { kind: 'results', results: ['PONG'], errors: [] });
          break;
        }
        assert.ok(attempt < 400, 'the engine never reconnected');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await engine.close();
      await redis?.stop();
    }
  });
});
