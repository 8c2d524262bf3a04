// engine.run(fn) in process and gears.jsexecute(fn) over RESP give the same typed ExecutionResult:
// checked at compile time (this file does not build if the types part) and at run time, on one Redis.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ExecutionResult,
  GB,
  JavaScriptReader,
  KeysReader,
  RedisGears,
  withParams,
  type ExecID,
  type KeysRecord,
} from 'gearbox';
import { Engine } from 'gearbox/engine';
import { startGearsProcess, startRedis, type GearsProcess, type RedisProcess } from './support/redis.js';
import { exactly } from './support/types.js';

const count = KeysReader('t:*').count().run();
const typedCount = KeysReader('t:*').count().run({ convertToStr: false });
const numbers = KeysReader('t:*').values().map(Number).sort().run({ convertToStr: false });
const open = KeysReader('t:*').map((r) => r.key);
const builder = GB('KeysReader', 't:*').map((r) => r.value);
const above = withParams((limit: number) =>
  KeysReader('t:*')
    .values()
    .map(Number)
    .filter((n) => n > limit)
    .run({ convertToStr: false }),
);
const records = KeysReader('t:1').run({ convertToStr: false });

/** Never called: it only has to compile. */
export async function typeChecks(engine: Engine, client: RedisGears): Promise<void> {
  const { gears } = client;
  // a scalar result (count) reads as string by default, as a number with convertToStr off
  exactly<ExecutionResult<string>>()(await engine.run(count), true);
  exactly<ExecutionResult<number>>()(await engine.run(typedCount), true);
  exactly<number>()((await engine.run(typedCount)).value, true);
  exactly<ExecutionResult<number>>()(await engine.run(numbers), true);
  exactly<ExecutionResult<KeysRecord>>()(await engine.run(records), true);
  exactly<ExecutionResult<number>>()(await engine.run(above(1)), true);
  // an open function or a builder is closed with run(): strings on the wire
  exactly<ExecutionResult<string>>()(await engine.run(open), true);
  exactly<ExecutionResult<string>>()(await engine.run(builder), true);
  // unblocking answers the execution id; a boolean not known at compile time answers either
  exactly<string>()(await engine.run(count, { unblocking: true }), true);
  exactly<ExecutionResult<string>>()(await engine.run(count, { unblocking: false }), true);
  const flag = Math.random() > 0.5;
  exactly<string | ExecutionResult<string>>()(await engine.run(count, { unblocking: flag }), true);
  // the client's types are the same ones
  exactly<ExecutionResult<string>>()(await gears.jsexecute(count), true);
  exactly<ExecutionResult<number>>()(await gears.jsexecute(typedCount), true);
  exactly<ExecutionResult<KeysRecord>>()(await gears.jsexecute(records), true);
  exactly<ExecutionResult<string>>()(await gears.jsexecute(open), true);
  exactly<ExecID>()(await gears.jsexecute(count, { unblocking: true }), true);
  // options are closed
  // @ts-expect-error a misspelt option does not compile
  await engine.run(count, { unblockin: true });
  // @ts-expect-error source text goes to engine.execute, not run
  await engine.run('GB().run()');
}

let redis: RedisProcess;
let gearsServer: GearsProcess;
let engine: Engine;
let client: RedisGears;

before(async () => {
  redis = await startRedis();
  gearsServer = await startGearsProcess(redis.url, ['--log-level', 'silent']);
  engine = await Engine.start({ redisUrl: redis.url, config: { ExecutionThreads: 1 } });
  client = new RedisGears({ port: gearsServer.port });
  await client.mset('t:1', '1', 't:2', '2', 't:3', '3');
});

after(async () => {
  client.disconnect();
  await engine.close();
  await gearsServer.stop();
  await redis.stop();
});

describe('engine.run answers what the client answers', () => {
  test('a scalar, typed records, an open function, a builder and a withParams function', async () => {
    const cases = [count, typedCount, numbers, open, builder, above(1)] as const;
    for (const fn of cases) {
      const local = await engine.run(fn as typeof count);
      const remote = await client.gears.jsexecute(fn as typeof count);
      assert.ok(local instanceof ExecutionResult);
      assert.deepEqual([...local].sort(), [...remote].sort());
      assert.deepEqual(local.errors, remote.errors);
    }
    assert.equal((await engine.run(count)).value, '3');
    const typed: number = (await engine.run(typedCount)).value;
    assert.equal(typed, 3);
    assert.deepEqual((await engine.run(above(1))).results.toSorted(), [2, 3]);
  });

  test('errors of callbacks that threw come back beside the results', async () => {
    const fn = JavaScriptReader(function* () {
      yield* [1, 2, 3];
    })
      .map((n) => {
        if (n === 2) throw new Error('two is refused');
        return n * 10;
      })
      .run({ convertToStr: false });
    const local = await engine.run(fn);
    const remote = await client.gears.jsexecute(fn);
    assert.deepEqual([...local], [10, 30]);
    assert.deepEqual(local.errors, remote.errors);
    assert.match(local.errors[0] ?? '', /two is refused/);
  });

  test('unblocking answers an execution id; a registration an empty result', async () => {
    const id = await engine.run(count, { unblocking: true });
    assert.equal(typeof id, 'string');
    assert.deepEqual([...(await engine.resultsBlocking(id)).results], ['3']);
    const registered = await engine.run(KeysReader('r:*').register({ mode: 'async' }));
    assert.deepEqual([...registered], []);
  });

  test('text and other non-functions are refused with advice', async () => {
    await assert.rejects(engine.run('GB().run()' as never), /GearFunction object.*engine\.execute/i);
  });
});
