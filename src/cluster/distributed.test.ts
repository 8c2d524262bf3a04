// Gear functions on a real 3-primary Redis Cluster with a gears server per primary: each
// operation's cluster answer equals its answer on a single Redis (a seeded, bounded property test),
// plus what RedisGears promises of distributed executions.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import calculateSlot from 'cluster-key-slot';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { Engine } from '../engine/index.js';
import { startRedis, type RedisProcess } from '../../test/support/redis.js';
import { startGearsCluster, untilListed, type GearsClusterHarness } from './cluster.test.support.js';

let cluster: GearsClusterHarness;
let clients: Redis[];
let single: RedisProcess;
let singleClient: Redis;
let engine: Engine;

before(async () => {
  cluster = await startGearsCluster();
  clients = cluster.gears.map((_, i) => cluster.client(i));
  single = await startRedis();
  singleClient = new Redis(single.url, { maxRetriesPerRequest: 1 });
  engine = await Engine.start({ redisUrl: single.url, config: { ExecutionThreads: 1 } });
});

after(async () => {
  await engine?.close();
  singleClient?.disconnect();
  await single?.stop();
  await cluster?.stop();
});

type Reply = [unknown[], unknown[]];
const run = (i: number, source: string) => clients[i].call('RG.JSEXECUTE', source) as Promise<Reply>;

async function seed(records: ReadonlyArray<{ key: string; value: number }>): Promise<void> {
  await Promise.all(cluster.data.nodes('master').map((node) => node.flushall()));
  await singleClient.flushall();
  for (const { key, value } of records) {
    await cluster.data.set(key, String(value));
    await singleClient.set(key, String(value));
  }
}

/** The operations whose answer must not depend on where the records live; `ordered` ones compare in order. */
const OPERATIONS: Array<{ name: string; source: string; ordered?: boolean }> = [
  { name: 'count', source: `GB().count().run()` },
  { name: 'avg', source: `GB().map((x) => Number(x.value)).avg().run()` },
  {
    name: 'aggregate',
    source: `GB().map((x) => Number(x.value)).aggregate([], (a, r) => a.concat([r]).sort((p, q) => p - q), (a, r) => a.concat(r).sort((p, q) => p - q)).run()`,
  },
  {
    name: 'aggregateby',
    source: `GB().aggregateby((x) => Number(x.value) % 5, 0, (k, a, r) => a + Number(r.value), (k, a, r) => a + r).run()`,
  },
  { name: 'groupby', source: `GB().groupby((x) => x.value, (k, a, r) => (a ?? 0) + 1).run()` },
  {
    name: 'batchgroupby',
    source: `GB().batchgroupby((x) => Number(x.value) % 3, (k, rs) => rs.map((r) => r.key).sort()).run()`,
  },
  { name: 'countby', source: `GB().countby((x) => Number(x.value) % 7).run()` },
  { name: 'distinct', source: `GB().map((x) => Number(x.value) % 4).distinct().run()` },
  { name: 'sort', source: `GB().map((x) => Number(x.value)).sort().run()`, ordered: true },
  { name: 'sort(reverse)', source: `GB().map((x) => x.key).sort(true).run()`, ordered: true },
  { name: 'sort + limit', source: `GB().map((x) => x.key).sort().limit(3, 2).run()`, ordered: true },
  { name: 'limit (how many)', source: `GB().limit(4, 1).map(() => 'one').run()` },
  { name: 'flatmap + filter', source: `GB().flatmap((x) => [x.value, x.key]).filter((v) => v.length < 3).run()` },
];

const asSet = (values: unknown[]) => [...values].map(String).sort();

describe('every operation: the cluster answers what a single Redis answers', () => {
  test('on generated keys and values (fast-check, seeded)', async () => {
    const records = fc.uniqueArray(
      fc.record({ key: fc.stringMatching(/^[a-z]{1,6}(\{[a-z]{1,2}\})?$/), value: fc.integer({ min: 0, max: 40 }) }),
      { selector: (r) => r.key, minLength: 0, maxLength: 60 },
    );
    await fc.assert(
      fc.asyncProperty(records, fc.integer({ min: 0, max: 2 }), async (data, node) => {
        await seed(data);
        for (const op of OPERATIONS) {
          const [clusterResults, clusterErrors] = await run(node, op.source);
          const outcome = await engine.execute(op.source);
          assert.equal(outcome.kind, 'results');
          if (outcome.kind !== 'results') return;
          assert.deepEqual(clusterErrors, outcome.errors, op.name);
          if (op.ordered) assert.deepEqual(clusterResults, outcome.results, op.name);
          else assert.deepEqual(asSet(clusterResults), asSet(outcome.results), op.name);
        }
      }),
      { seed: 20261128, numRuns: 6, endOnFailure: true },
    );
  });
});

describe('distributed batch', () => {
  before(async () => {
    await seed(Array.from({ length: 3000 }, (_, i) => ({ key: `k:${i}`, value: i })));
  });

  test('a function sent to any node runs on every shard: count over 3,000 keys answers 3,000 everywhere', async () => {
    for (let i = 0; i < 3; i++) assert.deepEqual(await run(i, `GB().count().run()`), [['3000'], []]);
  });

  test('ShardsIDReader: one record per shard, the ids RG.INFOCLUSTER lists', async () => {
    const [ids] = await run(1, `GB('ShardsIDReader').run()`);
    const info = (await clients[1].call('RG.INFOCLUSTER')) as unknown[];
    const listed = (info[4] as unknown[][]).map((shard) => shard[1]);
    assert.deepEqual(asSet(ids), asSet(listed));
  });

  test('run({collect: false}) returns only the local records', async () => {
    const [keys] = await run(0, `GB().map((x) => x.key).run({collect: false})`);
    const info = (await clients[0].call('RG.INFOCLUSTER')) as unknown[];
    const me = (info[4] as unknown[][]).find((s) => s[1] === info[1])!;
    const [min, max] = [me[11] as number, me[13] as number];
    assert.ok(keys.length > 0 && keys.length < 3000);
    for (const key of keys) {
      const slot = calculateSlot(String(key));
      assert.ok(slot >= min && slot <= max, `${key} is not a key of shard ${info[1]}`);
    }
  });

  test('hashtag() names a tag served by the shard that calls it; execute reaches that shard', async () => {
    const [written, errors] = await run(
      2,
      `GB('ShardsIDReader').map(async (id) => { const key = 'owner:{' + hashtag() + '}'; await execute('SET', key, id); return key; }).run()`,
    );
    assert.deepEqual(errors, []);
    assert.equal(written.length, 3);
    const info = (await clients[2].call('RG.INFOCLUSTER')) as unknown[];
    for (const key of written) {
      const owner = await cluster.data.get(String(key));
      const shard = (info[4] as unknown[][]).find((s) => s[1] === owner)!;
      const slot = calculateSlot(String(key));
      assert.ok(slot >= (shard[11] as number) && slot <= (shard[13] as number), `${key} lives on ${owner}`);
    }
  });

  test('repartition sends each record to the shard owning its key, where execute can write it', async () => {
    const [, errors] = await run(
      0,
      `GB('KeysReader', 'k:*').map((x) => ({ key: 'tens:' + Math.floor(Number(x.value) / 100) })).repartition((x) => x.key).foreach(async (x) => { await execute('INCR', x.key); }).count().run()`,
    );
    assert.deepEqual(errors, []);
    assert.equal(await cluster.data.get('tens:0'), '100');
    assert.equal(await cluster.data.get('tens:29'), '100');
  });

  test("errors of every shard's callbacks reach the originator", async () => {
    const [results, errors] = await run(
      1,
      `GB('ShardsIDReader').map((id) => { throw new Error('boom ' + id); }).run()`,
    );
    assert.deepEqual(results, []);
    assert.equal(errors.length, 3);
    assert.ok(errors.every((e) => String(e).startsWith('boom ')));
  });

  test('a record that cannot be moved between shards fails the execution, naming the step and the type', async () => {
    const [results, errors] = await run(0, `GB('ShardsIDReader').map(() => () => 1).run()`);
    assert.deepEqual(results, []);
    assert.ok(
      errors.some((e) => /run: a record of type function cannot move between shards/.test(String(e))),
      String(errors),
    );
  });
});

describe('KeysReader on a shard reads what a single Redis reads', () => {
  before(async () => {
    await Promise.all(cluster.data.nodes('master').map((node) => node.flushall()));
    await singleClient.flushall();
    const writes: Array<[string, ...Array<string | number>]> = [];
    for (let i = 0; i < 40; i++) {
      writes.push(['SET', `s:${i}`, `v${i}`]);
      writes.push(['HSET', `h:${i}`, 'a', i, 'b', 'x']);
      writes.push(['RPUSH', `l:${i}`, 'p', 'q', i]);
      writes.push(['SADD', `t:${i}`, 'm', i]);
      writes.push(['ZADD', `z:${i}`, 1, 'one', 2, `two${i}`]);
    }
    // one slot holding more keys than one script call reads from a slot (5,000)
    for (let i = 0; i < 5100; i++) writes.push(['SET', `big{tag}:${i}`, String(i)]);
    writes.push(['SET', '__gearbox:hidden', 'x']);
    // values of every length class the packed reply has, and text that is not ASCII
    writes.push(['SET', 'u:ü', 'é€'], ['SET', 'u:short', 'y'.repeat(40)], ['SET', 'u:mid', 'y'.repeat(300)]);
    writes.push(['SET', 'u:long', 'z'.repeat(70_000)]);
    await Promise.all(
      writes.flatMap(([command, ...args]) => [
        cluster.data.call(command, ...args),
        singleClient.call(command, ...args),
      ]),
    );
  });

  for (const pattern of ['*', 'big*', 'h:*', 'h:1*', '*:1', '?:2*', 'u:*', 'u:?', 'nothing*']) {
    test(`pattern ${pattern}`, async () => {
      // a set's members come in no particular order
      const source = `GB('KeysReader', '${pattern}').map((r) => JSON.stringify([r.key, r.type, r.type === 'set' ? r.value.sort() : r.value])).run()`;
      const [clusterResults, clusterErrors] = await run(1, source);
      const outcome = await engine.execute(source);
      assert.equal(outcome.kind, 'results');
      if (outcome.kind !== 'results') return;
      assert.deepEqual(clusterErrors, []);
      assert.deepEqual(asSet(clusterResults), asSet(outcome.results));
    });
  }
});

describe('registrations', () => {
  test('a source that registers, sent to one node, is installed on every shard, each reacting to its own keys', async () => {
    assert.equal(
      await clients[0].call(
        'RG.JSEXECUTE',
        `GB().foreach(async (x) => { await execute('SET', 'seen:{' + hashtag() + '}:' + x.key, '1'); }).register('person:*')`,
      ),
      'OK',
    );
    for (const client of clients) assert.equal(((await client.call('RG.DUMPREGISTRATIONS')) as unknown[]).length, 1);
    for (let i = 0; i < 30; i++) await cluster.data.set(`person:${i}`, 'x');
    for (;;) {
      const [[seen]] = await run(1, `GB('KeysOnlyReader', 'seen:*').count().run()`);
      if (seen === '30') break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});

describe('executions across shards', () => {
  test('UNBLOCKING: one id; GETRESULTSBLOCKING on the originator, DUMPEXECUTIONS and GETEXECUTION CLUSTER everywhere', async () => {
    const id = String(await clients[0].call('RG.JSEXECUTE', `GB().count().run()`, 'UNBLOCKING'));
    const [[count]] = (await clients[0].call('RG.GETRESULTSBLOCKING', id)) as Reply;
    assert.ok(Number(count) > 0);
    for (const client of clients) {
      const listed = (await client.call('RG.DUMPEXECUTIONS')) as unknown[][];
      assert.ok(
        listed.some((e) => e[1] === id),
        'every shard lists the execution',
      );
    }
    const plans = (await clients[0].call('RG.GETEXECUTION', id, 'CLUSTER')) as unknown[][];
    assert.equal(plans.length, 3);
    assert.deepEqual(
      plans.map((p) => (p[3] as unknown[])[1]),
      ['done', 'done', 'done'],
    );
  });

  test('ABORTEXECUTION on the originator stops the execution on every shard', async () => {
    const id = String(
      await clients[1].call('RG.JSEXECUTE', `GB('ShardsIDReader').map(() => { while (true) {} }).run()`, 'UNBLOCKING'),
    );
    // wait until every shard has it running
    for (const client of clients) await untilListed(client, id, 'running');
    assert.equal(await clients[1].call('RG.ABORTEXECUTION', id), 'OK');
    for (const client of clients) await untilListed(client, id, 'aborted', ['done']);
  });
});
