import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { Engine } from '../../engine/index.js';
import { GearsServer } from '../server.js';
import { gearsCommands } from './index.js';
import { startRedis, type RedisProcess } from '../../../test/support/redis.js';

const ID = /^[0-9a-f]{40}-\d+$/;
const SPIN = 'GB("ShardsIDReader").map(() => { while (true) {} }).run()';

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('RG.* commands through the gears server', () => {
  let redis: RedisProcess;
  let engine: Engine;
  let server: GearsServer;
  let client: Redis;
  let port: number;

  before(async () => {
    redis = await startRedis();
    engine = await Engine.start({ redisUrl: redis.url, config: { ExecutionThreads: 2 } });
    server = new GearsServer({ redisUrl: redis.url, port: 0, commands: gearsCommands(engine) });
    port = (await server.listen()).port;
    client = new Redis(port, '127.0.0.1');
  });

  after(async () => {
    client.disconnect();
    await server.close();
    await engine.close();
    await redis.stop();
  });

  beforeEach(async () => {
    await client.flushall();
    for (const e of engine.executions.list()) if (e.finished) engine.drop(e.id);
  });

  it('RG.JSEXECUTE replies [[results], [errors]] and writes go through to Redis', async () => {
    await client.mset('k:1', '10', 'k:2', '20', 'other', 'x');
    const reply = await client.call(
      'RG.JSEXECUTE',
      "GB('KeysReader', 'k:*').map((r) => Number(r.value)).aggregate(0, (a, r) => a + r, (a, r) => a + r).run()",
    );
    assert.deepEqual(reply, [['30'], []]);
    const avg = await client.call('RG.JSEXECUTE', "GB().map((r) => Number(r.value)).avg().run('k:*')");
    assert.deepEqual(avg, [['15'], []]);
  });

  it('keeps RESP types with convertToStr false, and speaks RESP3 to node-redis', async () => {
    const source =
      "GB('JavaScriptReader').run(function* () { yield 7; yield 1.5; yield 'a'; yield [1, 'b']; yield {f: 2}; yield null; yield true }, {convertToStr: false})";
    assert.deepEqual(await client.call('RG.JSEXECUTE', source), [[7, '1.5', 'a', [1, 'b'], ['f', 2], null, 1], []]);
    const resp3 = createClient({ url: `redis://127.0.0.1:${port}`, RESP: 3 });
    await resp3.connect();
    try {
      assert.deepEqual(await resp3.sendCommand(['RG.JSEXECUTE', source]), [
        [7, '1.5', 'a', [1, 'b'], ['f', 2], null, 1],
        [],
      ]);
      await resp3.set('x', '1');
      assert.equal(await resp3.get('x'), '1');
    } finally {
      await resp3.close();
    }
  });

  it('an exception in a callback lands in the errors array and the rest goes on', async () => {
    const reply = (await client.call(
      'RG.JSEXECUTE',
      "GB('JavaScriptReader').map((x) => { if (x === 2) throw new Error('two is bad'); return x }).run(function* () { yield 1; yield 2; yield 3 })",
    )) as [string[], string[]];
    assert.deepEqual(reply, [['1', '3'], ['two is bad']]);
  });

  it('a source that does not parse is an error and runs nothing', async () => {
    await assert.rejects(client.call('RG.JSEXECUTE', "execute('SET', 'ran', '1'); GB(.run()"), /does not parse/);
    assert.equal(await client.exists('ran'), 0);
    await assert.rejects(client.call('RG.JSEXECUTE', "GB('NoSuchReader').run()"), /NoSuchReader/);
    await assert.rejects(client.call('RG.JSEXECUTE', 'const x = 1'), /built no gear function/);
  });

  it('UNBLOCKING, DUMPEXECUTIONS, GETRESULTS, GETRESULTSBLOCKING and DROPEXECUTION', async () => {
    await client.set('a', '1');
    const id = String(await client.call('RG.JSEXECUTE', 'GB().map((r) => r.key).run()', 'UNBLOCKING'));
    assert.match(id, ID);
    assert.deepEqual(await client.call('RG.GETRESULTSBLOCKING', id), [['a'], []]);
    assert.deepEqual(await client.call('RG.GETRESULTS', id), [['a'], []]);
    const dump = (await client.call('RG.DUMPEXECUTIONS')) as unknown[][];
    assert.deepEqual(dump, [['executionId', id, 'status', 'done', 'registered', 0]]);
    assert.equal(await client.call('RG.DROPEXECUTION', id), 'OK');
    await assert.rejects(client.call('RG.GETRESULTS', id), /execution plan does not exist/);
    await assert.rejects(client.call('RG.DROPEXECUTION', id), /execution plan does not exist/);
  });

  it('blocking executions are not kept in the executions list', async () => {
    await client.call('RG.JSEXECUTE', 'GB().run()');
    assert.deepEqual(await client.call('RG.DUMPEXECUTIONS'), []);
  });

  it('a spinning function leaves the server answering, and RG.ABORTEXECUTION stops it', async () => {
    const id = String(await client.call('RG.JSEXECUTE', SPIN, 'UNBLOCKING'));
    const other = new Redis(port, '127.0.0.1');
    try {
      await waitFor(async () => engine.find(id).status === 'running', 'the spin to start');
      assert.equal(await other.ping(), 'PONG');
      assert.deepEqual(await other.call('RG.JSEXECUTE', "GB('ShardsIDReader').map(() => 'alive').run()"), [
        ['alive'],
        [],
      ]);
      await assert.rejects(client.call('RG.GETRESULTS', id), /still running/);
      await assert.rejects(client.call('RG.DROPEXECUTION', id), /abort it first/);
      assert.equal(await other.call('RG.ABORTEXECUTION', id), 'OK');
      const dump = (await client.call('RG.DUMPEXECUTIONS')) as unknown[][];
      assert.deepEqual(dump.find((e) => e[1] === id)?.slice(2, 4), ['status', 'aborted']);
      await assert.rejects(client.call('RG.ABORTEXECUTION', id), /already finished/);
      await assert.rejects(client.call('RG.ABORTEXECUTION', `${'0'.repeat(40)}-999999`), /does not exist/);
    } finally {
      other.disconnect();
    }
  });

  it("RG.GETEXECUTION shows an execution's errors in the plan's errors field", async () => {
    await client.mset('e:1', '1', 'e:2', 'two', 'e:3', '3');
    const source =
      "GB('KeysReader', 'e:*').map((r) => { if (isNaN(Number(r.value))) throw new Error('not a number: ' + r.key); return r.value; }).run()";
    const id = String(await client.call('RG.JSEXECUTE', source, 'UNBLOCKING'));
    await client.call('RG.GETRESULTSBLOCKING', id);
    const [shard] = (await client.call('RG.GETEXECUTION', id)) as unknown[][];
    const plan = shard[3] as unknown[];
    const field = (name: string) => plan[plan.indexOf(name) + 1];
    assert.equal(field('status'), 'done');
    assert.equal(field('results'), 2);
    assert.deepEqual(field('errors'), ['not a number: e:2']);
    const failed = String(await client.call('RG.JSEXECUTE', "throw new Error('top-level failure')", 'UNBLOCKING'));
    await client.call('RG.GETRESULTSBLOCKING', failed).catch(() => undefined);
    const [other] = (await client.call('RG.GETEXECUTION', failed)) as unknown[][];
    const otherPlan = other[3] as unknown[];
    assert.deepEqual(otherPlan[otherPlan.indexOf('errors') + 1], ['top-level failure (at line 1:7 of the source)']);
  });

  it('RG.GETEXECUTION shows the plan, with durations when ProfileExecutions is on', async () => {
    await client.set('a', '1');
    assert.deepEqual(await client.call('RG.CONFIGSET', 'ProfileExecutions', '1'), ['OK']);
    try {
      const id = String(await client.call('RG.JSEXECUTE', 'GB().map((r) => r.key).count().run()', 'UNBLOCKING'));
      await client.call('RG.GETRESULTSBLOCKING', id);
      const [shard] = (await client.call('RG.GETEXECUTION', id)) as unknown[][];
      assert.equal(shard[0], 'shard_id');
      assert.equal(shard[1], engine.shardId);
      assert.equal(shard[2], 'execution_plan');
      const plan = shard[3] as unknown[];
      const field = (name: string) => plan[plan.indexOf(name) + 1];
      assert.equal(field('status'), 'done');
      assert.equal(field('results'), 1);
      assert.deepEqual(field('errors'), []);
      const steps = field('steps') as unknown[][];
      // count lowers to accumulate, collect, accumulate after the map; RedisGears lists the last step first.
      assert.deepEqual(
        steps.map((s) => s[1]),
        ['accumulate', 'collect', 'accumulate', 'map'],
      );
      for (const step of steps) assert.equal(typeof step[3], 'number');
      await assert.rejects(client.call('RG.GETEXECUTION', id, 'CLUSTER'), /no cluster detected/);
      await assert.rejects(client.call('RG.GETEXECUTION', id, 'NOPE'), /unknown subcommand/);
    } finally {
      await client.call('RG.CONFIGSET', 'ProfileExecutions', '0');
    }
  });

  it('RG.CONFIGGET and RG.CONFIGSET with RedisGears names, user keys and read-only options', async () => {
    assert.deepEqual(
      await client.call('RG.CONFIGGET', 'MaxExecutions', 'ProfileExecutions', 'ExecutionThreads'),
      [1000, 0, 2],
    );
    const set = (await client.call('RG.CONFIGSET', 'ExecutionThreads', '5', 'myKey', 'hello')) as unknown[];
    assert.ok(set[0] instanceof Error && /ExecutionThreads/.test(set[0].message));
    assert.equal(set[1], 'OK - value was saved in extra config dictionary');
    const zero = (await client.call('RG.CONFIGSET', 'MaxPendingEvents', '0')) as unknown[];
    assert.ok(zero[0] instanceof Error && /MaxPendingEvents must be at least 1/.test(zero[0].message));
    assert.deepEqual(await client.call('RG.CONFIGGET', 'MaxPendingEvents'), [100000]);
    const got = (await client.call('RG.CONFIGGET', 'myKey', 'noSuchKey')) as unknown[];
    assert.equal(got[0], 'hello');
    assert.ok(got[1] instanceof Error && /Unsupported config parameter: noSuchKey/.test(got[1].message));
    assert.deepEqual(
      await client.call(
        'RG.JSEXECUTE',
        "GB('ShardsIDReader').map(() => gearsConfigGet('myKey') + ':' + gearsConfigGet('absent', 'dflt')).run()",
      ),
      [['hello:dflt'], []],
    );
  });

  it('MaxExecutions trims finished executions, oldest first', async () => {
    await client.call('RG.CONFIGSET', 'MaxExecutions', '2');
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const id = String(await client.call('RG.JSEXECUTE', 'GB().run()', 'UNBLOCKING'));
        await client.call('RG.GETRESULTSBLOCKING', id);
        ids.push(id);
      }
      const listed = ((await client.call('RG.DUMPEXECUTIONS')) as unknown[][]).map((e) => e[1]);
      assert.deepEqual(listed, ids.slice(1));
    } finally {
      await client.call('RG.CONFIGSET', 'MaxExecutions', '1000');
    }
  });

  it('RG.JSSTATS, RG.INFOCLUSTER and wrong arities', async () => {
    const stats = (await client.call('RG.JSSTATS')) as unknown[];
    assert.deepEqual([stats[0], stats[2], stats[4]], ['TotalAllocated', 'PeakAllocated', 'CurrAllocated']);
    assert.ok((stats[5] as number) > 0);
    assert.equal(await client.call('RG.INFOCLUSTER'), 'no cluster mode');
    await assert.rejects(client.call('RG.GETRESULTS'), /wrong number of arguments for 'rg.getresults' command/);
    await assert.rejects(client.call('RG.JSEXECUTE'), /wrong number of arguments/);
    await assert.rejects(client.call('RG.DROPEXECUTION', 'a', 'b'), /wrong number of arguments/);
    await assert.rejects(client.call('RG.CONFIGSET', 'MaxExecutions'), /wrong number of arguments/);
    await assert.rejects(client.call('RG.JSEXECUTE', 'GB().run()', 'BOGUS'), /unknown argument 'BOGUS'/);
  });
});

describe('gears server with a password', () => {
  it('runs nothing for an unauthenticated connection', async () => {
    const redis = await startRedis();
    const engine = await Engine.start({ redisUrl: redis.url });
    const server = new GearsServer({
      redisUrl: redis.url,
      port: 0,
      password: 's3cret',
      commands: gearsCommands(engine),
    });
    const { port } = await server.listen();
    const anon = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
    anon.on('error', () => undefined); // ioredis 6 opens with HELLO 3, which fails NOAUTH just as on Redis
    const authed = new Redis(port, '127.0.0.1', { password: 's3cret' });
    try {
      await anon.connect().catch(() => undefined);
      await assert.rejects(anon.call('RG.JSEXECUTE', "execute('SET', 'ran', '1'); GB().run()"), /NOAUTH/);
      assert.equal(await authed.exists('ran'), 0);
      assert.deepEqual(await authed.call('RG.JSEXECUTE', "GB('ShardsIDReader').map(() => 'ok').run()"), [['ok'], []]);
    } finally {
      anon.disconnect();
      authed.disconnect();
      await server.close();
      await engine.close();
      await redis.stop();
    }
  });
});

describe('gears server when Redis goes away', () => {
  it('answers RG commands with a clear error, keeps running, and recovers when Redis returns', async () => {
    const redis = await startRedis();
    const engine = await Engine.start({ redisUrl: redis.url });
    const server = new GearsServer({ redisUrl: redis.url, port: 0, commands: gearsCommands(engine) });
    const { port } = await server.listen();
    const client = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 0 });
    let again: RedisProcess | undefined;
    try {
      assert.deepEqual(await client.call('RG.JSEXECUTE', "GB('ShardsIDReader').map(() => 1).run()"), [['1'], []]);
      await redis.stop();
      await assert.rejects(
        client.call('RG.JSEXECUTE', 'GB().run()'),
        new RegExp(`cannot reach Redis at 127.0.0.1:${redis.port} \\(ECONNREFUSED\\): start Redis`),
      );
      assert.deepEqual(await client.call('RG.DUMPEXECUTIONS'), []);
      again = await startRedis([], redis.port);
      await waitFor(
        () =>
          (client.call('RG.JSEXECUTE', "GB('ShardsIDReader').map(() => 2).run()") as Promise<unknown>).then(
            (r) => JSON.stringify(r) === JSON.stringify([['2'], []]),
            () => false,
          ),
        'the engine to reconnect',
      );
    } finally {
      client.disconnect();
      await server.close();
      await engine.close();
      await again?.stop();
      await redis.stop();
    }
  });
});
