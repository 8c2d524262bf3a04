// What a gear function sees, exercised through the embedded engine on a real Redis: execute, cmd,
// atomic, hashtag/hashtag3, log, configGet/gearsConfigGet, module scope and __name.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import calculateSlot from 'cluster-key-slot';
import { pino } from 'pino';
import { Redis } from 'ioredis';
import { startRedis, type RedisProcess } from '../../test/support/redis.js';
import { Engine } from '../engine/index.js';
import { GB, KeysReader, toSource } from '../model/index.js';

let server: RedisProcess;
let engine: Engine;
let client: Redis;
const logLines: Array<{ level: number; msg: string; execution?: string }> = [];

before(async () => {
  server = await startRedis();
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(JSON.parse(line)) });
  engine = await Engine.start({ redisUrl: server.url, config: { ExecutionThreads: 2 }, logger });
  client = new Redis(server.url, { maxRetriesPerRequest: 1 });
});
after(async () => {
  await engine.close();
  client.disconnect();
  await server.stop();
});
beforeEach(async () => {
  await client.flushall();
});

async function run(source: string): Promise<{ results: unknown[]; errors: string[] }> {
  const outcome = await engine.execute(source);
  assert.equal(outcome.kind, 'results');
  return outcome as { results: unknown[]; errors: string[] };
}

async function results(source: string): Promise<unknown[]> {
  const outcome = await run(source);
  assert.deepEqual(outcome.errors, []);
  return outcome.results;
}

const once = (body: string, options = '{ convertToStr: false }') =>
  `GB('JavaScriptReader', function* () { yield 0; }).map(async () => { ${body} }).run(${options})`;

describe('execute', () => {
  test('runs any Redis command and resolves its reply', async () => {
    await client.set('k', 'v');
    assert.deepEqual(await results(once("return await execute('GET', 'k');")), ['v']);
    assert.deepEqual(
      await results(once("await execute('SET', 'n', 5); return await execute('INCRBY', 'n', '3');")),
      [8],
    );
    assert.equal(await client.get('n'), '8');
    assert.deepEqual(
      await results(once("await execute('RPUSH', 'l', 'a', 'b'); return await execute('LRANGE', 'l', 0, -1);")),
      [['a', 'b']],
    );
    assert.deepEqual(await results(once("return await execute('PING');")), ['PONG']);
  });

  test("a command's error rejects: the message is in errors, the record dropped", async () => {
    await client.hset('h', 'f', 'v');
    const { results: out, errors } = await run(once("return await execute('INCR', 'h');"));
    assert.deepEqual(out, []);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /WRONGTYPE/);
    const unknown = await run(once("return await execute('NOSUCHCOMMAND', 'x');"));
    assert.equal(unknown.errors.length, 1);
    assert.match(unknown.errors[0], /unknown command/i);
  });
});

describe('cmd', () => {
  test('typed commands', async () => {
    const out = await results(
      once(`
        await cmd.set('s', 'v');
        await cmd.hset('h', { a: 1, b: 'two' });
        await cmd.hset('h', 'c', 3);
        await cmd.rpush('l', 'x', 'y');
        await cmd.sadd('st', 'm');
        await cmd.zadd('z', 2, 'b', 1, 'a');
        return {
          get: await cmd.get('s'),
          hgetall: await cmd.hgetall('h'),
          empty: await cmd.hgetall('nohash'),
          hget: await cmd.hget('h', 'a'),
          incr: await cmd.incr('counter'),
          lrange: await cmd.lrange('l', 0, -1),
          smembers: await cmd.smembers('st'),
          zrange: await cmd.zrange('z', 0, -1),
          exists: await cmd.exists('s', 'h', 'missing'),
          type: await cmd.type('h'),
          upper: await cmd.GET('s'),
        };`),
    );
    assert.deepEqual(out, [
      {
        get: 'v',
        hgetall: { a: '1', b: 'two', c: '3' },
        empty: {},
        hget: '1',
        incr: 1,
        lrange: ['x', 'y'],
        smembers: ['m'],
        zrange: ['a', 'b'],
        exists: 2,
        type: 'hash',
        upper: 'v',
      },
    ]);
  });

  test('delete is an alias of DEL', async () => {
    await client.mset({ d1: '1', d2: '2', keep: '3' });
    assert.deepEqual(await results(once("return await cmd.delete('d1', 'd2', 'nope');")), [2]);
    assert.deepEqual(await client.keys('*'), ['keep']);
  });

  test('xadd with object fields, with and without an id', async () => {
    const [ids] = (await results(
      once(`
        const auto = await cmd.xadd('s', { f: 'v', n: 1 });
        const fixed = await cmd.xadd('s', '99999999999999-1', { g: 'w' });
        return [auto, fixed];`),
    )) as string[][];
    assert.match(ids[0], /^\d+-\d+$/);
    assert.equal(ids[1], '99999999999999-1');
    const entries = await client.xrange('s', '-', '+');
    assert.deepEqual(entries, [
      [ids[0], ['f', 'v', 'n', '1']],
      ['99999999999999-1', ['g', 'w']],
    ]);
  });
});

describe('atomic', () => {
  const incrementInAtomic = (records: number) => `
    GB('JavaScriptReader', function* () { for (let i = 0; i < ${records}; i++) yield i; })
      .map(async () => atomic(async () => {
        const current = Number((await execute('GET', 'counter')) ?? 0);
        await new Promise((resolve) => setTimeout(resolve, 1));
        await execute('SET', 'counter', String(current + 1));
      }))
      .count()
      .run()`;

  test('a check-and-set is exact under concurrency: 50 increments from several executions give 50', async () => {
    const sources = [incrementInAtomic(20), incrementInAtomic(15), incrementInAtomic(15)];
    const outcomes = await Promise.all(sources.map((s) => engine.execute(s)));
    for (const outcome of outcomes) assert.deepEqual((outcome as { errors: string[] }).errors, []);
    assert.equal(await client.get('counter'), '50');
  });

  test('a concurrent writer outside the engine forces a retry, not a lost update', async () => {
    await client.set('counter', '0');
    const source = `
      let tries = 0;
      GB('JavaScriptReader', function* () { yield 0; })
        .map(async () => {
          await atomic(async () => {
            tries++;
            const current = Number(await execute('GET', 'counter'));
            if (tries === 1) {
              log('atomic body is watching counter');
              while ((await execute('EXISTS', 'outside')) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
            }
            await execute('SET', 'counter', String(current + 1));
          });
          return tries;
        })
        .run({ convertToStr: false })`;
    logLines.length = 0;
    const pending = engine.execute(source);
    // once the body has read (and so watched) 'counter', change it behind its back
    while (!logLines.some((l) => l.msg === 'atomic body is watching counter'))
      await new Promise((resolve) => setTimeout(resolve, 5));
    await client.multi().incrby('counter', 100).set('outside', '1').exec();
    const outcome = (await pending) as { results: unknown[]; errors: string[] };
    assert.deepEqual(outcome.errors, []);
    assert.deepEqual(outcome.results, [2]);
    assert.equal(await client.get('counter'), '101');
  });

  test('a body that throws commits nothing and its message is in errors', async () => {
    const { results: out, errors } = await run(
      once(
        "await atomic(async () => { await execute('SET', 'a1', 'x'); await cmd.incr('a2'); throw new Error('changed my mind'); });",
      ),
    );
    assert.deepEqual(out, []);
    assert.deepEqual(errors, ['changed my mind']);
    assert.equal(await client.exists('a1', 'a2'), 0);
  });

  test('writes inside atomic answer QUEUED and are committed together; the body value is returned', async () => {
    const out = await results(
      once(
        "return await atomic(async () => { const r = await execute('SET', 'w1', '1'); await cmd.set('w2', '2'); return r; });",
      ),
    );
    assert.deepEqual(out, ['QUEUED']);
    assert.deepEqual(await client.mget('w1', 'w2'), ['1', '2']);
  });

  test('a write the body forgot to await is still committed; one sent after the body ended is refused', async () => {
    const out = await results(
      once(`
        let late;
        await atomic(() => {
          execute('SET', 'not-awaited', '1');
          late = new Promise((resolve) => setTimeout(() => execute('SET', 'too-late', '1').then(resolve, (err) => resolve(err.message)), 10));
        });
        return [await execute('GET', 'not-awaited'), await late];`),
    );
    assert.equal((out[0] as string[])[0], '1');
    assert.match((out[0] as string[])[1], /after its atomic\(\) body ended/);
    assert.equal(await client.exists('too-late'), 0);
  });

  test('nested atomic joins the outer transaction; a nested body that throws synchronously rejects', async () => {
    const out = await results(
      once(`
        let caught;
        await atomic(async () => {
          await execute('SET', 'outer', '1');
          await atomic(async () => { await execute('SET', 'inner', '1'); });
          try { await atomic(() => { throw new Error('sync throw'); }); } catch (err) { caught = err.message; }
        });
        return caught;`),
    );
    assert.deepEqual(out, ['sync throw']);
    assert.deepEqual(await client.mget('outer', 'inner'), ['1', '1']);
  });

  test('a queued command that fails in EXEC rejects atomic', async () => {
    await client.hset('hash', 'f', 'v');
    const { errors } = await run(once("await atomic(async () => { await execute('INCR', 'hash'); });"));
    assert.equal(errors.length, 1);
    assert.match(errors[0], /WRONGTYPE/);
  });
});

describe('hashtag and hashtag3', () => {
  test('hashtag maps to the lowest slot (0 on a standalone Redis); hashtag3 wraps it in braces', async () => {
    const [out] = (await results(
      once('return { tag: hashtag(), tag3: hashtag3(), key: `${hashtag3()}:x` };'),
    )) as any[];
    assert.equal(calculateSlot(out.tag), 0);
    assert.equal(out.tag3, `{${out.tag}}`);
    assert.equal(calculateSlot(out.key), 0);
    assert.equal(calculateSlot(`other-${out.tag3}-suffix`), 0);
  });
});

describe('log', () => {
  test("goes to the server's log, with the execution id; objects and levels are fine", async () => {
    logLines.length = 0;
    const outcome = await engine.execute(
      once(`
        log('plain message');
        log({ nested: { a: 1 } }, 'warning');
        const circular = {}; circular.self = circular;
        log(circular);
        log(42, 'debug');
        return 'ok';`),
    );
    assert.deepEqual(outcome, { kind: 'results', results: ['ok'], errors: [] });
    const messages = logLines.map((l) => l.msg);
    assert.ok(messages.includes('plain message'), JSON.stringify(messages));
    assert.ok(messages.includes('{"nested":{"a":1}}'));
    assert.ok(messages.includes('42'));
    const warning = logLines.find((l) => l.msg === '{"nested":{"a":1}}');
    assert.equal(warning?.level, 40);
    assert.match(String(warning?.execution), /^[0-9a-f]{40}-\d+$/);
  });
});

describe('configGet and gearsConfigGet', () => {
  test('built-in options, user keys set on the engine, and defaults', async () => {
    engine.config.set('myKey', 'v');
    const [out] = (await results(
      once(`return {
        user: gearsConfigGet('myKey'),
        userByConfigGet: configGet('myKey'),
        max: configGet('MaxExecutions'),
        missing: gearsConfigGet('noSuchKey', 'fallback'),
        missingNoDefault: gearsConfigGet('noSuchKey') ?? null,
        missingConfigGet: configGet('noSuchKey'),
      };`),
    )) as any[];
    assert.deepEqual(out, {
      user: 'v',
      userByConfigGet: 'v',
      max: 1000,
      missing: 'fallback',
      missingNoDefault: null,
      missingConfigGet: null,
    });
    engine.config.set('myKey', 'changed');
    assert.deepEqual(await results(once("return gearsConfigGet('myKey');")), ['changed']);
  });
});

describe('the source is one module', () => {
  test('top-level declarations are visible to callbacks', async () => {
    const out = await results(`
      const factor = 3;
      let calls = 0;
      function scale(x) { calls++; return x * factor; }
      class Box { constructor(v) { this.v = v; } }
      GB('JavaScriptReader', function* () { yield 1; yield 2; })
        .map(scale)
        .map((x) => new Box(x).v + calls)
        .run({ convertToStr: false })`);
    assert.deepEqual(out, [5, 8]);
  });

  test('__name is defined, as esbuild and tsx emit it', async () => {
    const out = await results(`
      const double = __name((x) => x * 2, 'double');
      GB('JavaScriptReader', __name(function* gen() { yield 21; }, 'gen')).map(double).run()`);
    assert.deepEqual(out, ['42']);
  });

  test('top-level await and import() of Node built-ins work', async () => {
    const out = await results(`
      const { createHash } = await import('node:crypto');
      const prefix = await execute('PING');
      GB('JavaScriptReader', function* () { yield 'abc'; })
        .map((s) => prefix + ':' + createHash('sha1').update(s).digest('hex'))
        .run()`);
    assert.deepEqual(out, ['PONG:a9993e364706816aba3e25717850c26c9cd0d89d']);
  });

  test('separate sources share nothing, globalThis and builtins included, as sub-interpreters', async () => {
    const leak = `globalThis.leak = 1; global.alsoLeak = 2; implicitGlobal = 3; var shared = 'first';
      Array.prototype.polluted = 4; JSON.stringify = () => 'hijacked';
      GB('ShardsIDReader').map(() => [typeof leak, typeof implicitGlobal, [].polluted, JSON.stringify(1)].join()).run()`;
    // run twice, so that both execution threads have evaluated the leaking source before the check
    for (let i = 0; i < 2; i++) assert.deepEqual(await results(leak), ['number,number,4,hijacked']);
    const check = `GB('ShardsIDReader').map(() => [typeof leak, typeof globalThis.alsoLeak, typeof implicitGlobal,
      typeof shared, String([].polluted), JSON.stringify(1)].join()).run()`;
    for (let i = 0; i < 2; i++)
      assert.deepEqual(await results(check), ['undefined,undefined,undefined,undefined,undefined,1']);
  });

  test("within one source, callbacks share the source's globals; Node's API is there", async () => {
    const out = await results(`
      globalThis.calls = 0;
      GB('JavaScriptReader', function* () { yield 1; yield 2; })
        .map((x) => { calls++; return x; })
        .accumulate((a, x) => (a ?? 0) + x)
        .map((sum) => [sum, globalThis.calls, typeof setTimeout, typeof Buffer.from, typeof process.pid, global === globalThis].join())
        .run()`);
    assert.deepEqual(out, ['3,2,function,function,number,true']);
  });

  test('errors, Maps and zero values made in a source keep working across the engine', async () => {
    const { results: out, errors } = await run(`
      GB('JavaScriptReader', function* () { yield 1; yield 2; yield 3; })
        .map((x) => { if (x === 2) throw new RangeError('two is out of range'); return x; })
        .aggregate(new Map(), (m, x) => m.set(String(x), x), (m, other) => { for (const [k, v] of other) m.set(k, v); return m; })
        .map((m) => ({ isMap: m instanceof Map, entries: Object.fromEntries(m) }))
        .run()`);
    assert.deepEqual(errors, ['two is out of range']);
    assert.deepEqual(
      out.map((r) => JSON.parse(String(r))),
      [{ isMap: true, entries: { 1: 1, 3: 3 } }],
    );
  });
});

describe('embedded mode runs GearFunction objects built in the application', () => {
  test('toSource + execute, and Engine.run', async () => {
    const pipeline = client.pipeline();
    for (let i = 0; i < 100; i++) pipeline.set(`k:${i}`, String(i * 10000));
    await pipeline.exec();
    const fn = KeysReader('k:*')
      .values()
      .map(Number)
      .aggregate(
        0,
        (a: number, r: number) => a + r,
        (a: number, r: number) => a + r,
      )
      .run();
    assert.deepEqual(await engine.execute(toSource(fn)), { kind: 'results', results: ['49500000'], errors: [] });
    const result = await engine.run(fn);
    assert.equal(result.value, '49500000');
    assert.deepEqual(result.errors, []);
    const open = GB('KeysReader', 'k:1*')
      .map((r) => r.key)
      .sort();
    const outcome = await engine.run(open);
    assert.deepEqual(outcome.results, [
      'k:1',
      'k:10',
      'k:11',
      'k:12',
      'k:13',
      'k:14',
      'k:15',
      'k:16',
      'k:17',
      'k:18',
      'k:19',
    ]);
    const unblocking = await engine.run(fn, { unblocking: true });
    assert.equal(typeof unblocking, 'string');
  });

  test('a callback that captures an outer variable is refused before it runs', async () => {
    const outer = 5;
    const fn = KeysReader('k:*')
      .map(() => outer)
      .run();
    await assert.rejects(engine.run(fn), /outer/);
  });
});
