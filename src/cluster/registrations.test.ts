// Registrations on a real 3-primary Redis Cluster with a gears server per primary: one id on every
// shard, the commands that change registrations act on every shard from any node, and a gears
// server that comes back, with or without its stored registrations, has the cluster's.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import calculateSlot from 'cluster-key-slot';
import type { Redis } from 'ioredis';
import { startGearsCluster, untilListed, type GearsClusterHarness } from './cluster.test.support.js';

let cluster: GearsClusterHarness;
let clients: Redis[];
let shardIds: string[];

before(async () => {
  cluster = await startGearsCluster();
  clients = cluster.gears.map((_, i) => cluster.client(i));
  shardIds = await Promise.all(
    cluster.redis.nodes.map((_, i) => clients[i].call('CLUSTER', 'MYID') as Promise<string>),
  );
});

after(async () => {
  await cluster?.stop();
});

type Dumped = unknown[][];
const pause = () => new Promise((r) => setTimeout(r, 50));

/** A flat RESP map (name, value, name, value ...) as an object. */
function fields(reply: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < reply.length; i += 2) out[String(reply[i])] = reply[i + 1];
  return out;
}

async function registrations(i: number, ...args: string[]): Promise<Array<Record<string, unknown>>> {
  const dumped = (await clients[i].call('RG.DUMPREGISTRATIONS', ...args)) as Dumped;
  return dumped.map((entry) => {
    const reg = fields(entry);
    return { ...reg, data: fields(reg.RegistrationData as unknown[]) };
  });
}

const ids = async (i: number) => (await registrations(i)).map((r) => String(r.id)).sort();

/** The id of the primary that owns `key`, from CLUSTER SLOTS. */
async function keyOwner(key: string): Promise<string> {
  const slot = calculateSlot(key);
  const ranges = (await cluster.data.nodes('master')[0].call('CLUSTER', 'SLOTS')) as Array<
    [number, number, [string, number, string]]
  >;
  return ranges.find(([from, to]) => slot >= from && slot <= to)![2][2];
}

async function unregisterAll(): Promise<void> {
  for (const id of await ids(0)) await clients[0].call('RG.UNREGISTER', id);
}

describe('one registration id on every shard', () => {
  test('a source sent to any node is installed on every shard under the same ids', async () => {
    const source = `GB().foreach(async (x) => { await execute('SET', 'seen:{' + hashtag() + '}:' + x.key, '1'); }).register('person:*');
GB('CommandReader').map(() => 'two').register({ trigger: 'two' })`;
    assert.equal(await clients[1].call('RG.JSEXECUTE', source), 'OK');
    const onOrigin = await ids(1);
    assert.equal(onOrigin.length, 2);
    for (const i of [0, 2]) assert.deepEqual(await ids(i), onOrigin);
    assert.ok(
      onOrigin.every((id) => id.startsWith(`${shardIds[1]}-`)),
      'ids are the originating shard’s',
    );
    // each shard reacts to its own keys
    for (let i = 0; i < 30; i++) await cluster.data.set(`person:${i}`, 'x');
    for (;;) {
      const [[seen]] = (await clients[2].call('RG.JSEXECUTE', `GB('KeysOnlyReader', 'seen:*').count().run()`)) as [
        unknown[],
      ];
      if (seen === '30') break;
      await pause();
    }
    const perShard = await Promise.all(
      [0, 1, 2].map(async (i) => (await registrations(i, 'SHARD')).find((r) => r.reader === 'KeysReader')!),
    );
    const counted = perShard.map((r) => Number((r.data as Record<string, unknown>).numTriggered));
    assert.ok(
      counted.every((n) => n > 0),
      `every shard ran events of its own keys: ${counted.join(', ')}`,
    );
    const [summed] = (await registrations(0, 'CLUSTER')).filter((r) => r.reader === 'KeysReader');
    assert.equal(
      Number((summed.data as Record<string, unknown>).numTriggered),
      counted.reduce((a, b) => a + b),
      'RG.DUMPREGISTRATIONS CLUSTER adds up every shard',
    );
    await unregisterAll();
  });

  test('a source one shard refuses to register is taken back from the others', async () => {
    await clients[2].call('RG.CONFIGSET', 'refuse', 'yes');
    const source = `if (gearsConfigGet('refuse') === 'yes') throw new Error('refused on this shard');
GB('CommandReader').map(() => 'x').register({ trigger: 'refused' })`;
    // an error reply once the originator has registered; the execution's errors if it was stopped before that
    const said = await clients[0].call('RG.JSEXECUTE', source).then(
      (reply) => JSON.stringify(reply),
      (err: Error) => err.message,
    );
    assert.match(said, new RegExp(`shard ${shardIds[2]} .*refused on this shard`));
    for (const i of [0, 1, 2]) assert.deepEqual(await ids(i), [], `nothing left on node ${i}`);
    await clients[2].call('RG.CONFIGSET', 'refuse', 'no');
  });

  test('RG.TRIGGER from any node runs the function on that node', async () => {
    assert.equal(
      await clients[0].call(
        'RG.JSEXECUTE',
        `GB('CommandReader').map(async (args) => (await execute('CLUSTER', 'MYID')) + ' ' + args[1]).register({ trigger: 'where' })`,
      ),
      'OK',
    );
    for (const i of [0, 1, 2])
      assert.deepEqual(await clients[i].call('RG.TRIGGER', 'where', `from-${i}`), [`${shardIds[i]} from-${i}`]);
    // RG.TRIGGERONKEY runs on the shard that owns the key, wherever it is sent
    for (const i of [0, 1, 2])
      for (const key of ['a', 'b', 'c'])
        assert.deepEqual(await clients[i].call('RG.TRIGGERONKEY', 'where', key), [`${await keyOwner(key)} ${key}`]);
    await clients[0].call('RG.CLEARREGISTRATIONSSTATS');
    await clients[1].call('RG.CLEARREGISTRATIONSSTATS');
    await clients[2].call('RG.CLEARREGISTRATIONSSTATS');
    for (const i of [0, 1, 2]) await clients[i].call('RG.TRIGGER', 'where', `again-${i}`);
    const [shard] = await registrations(1, 'SHARD');
    assert.equal((shard.data as Record<string, unknown>).numTriggered, 1);
    const [whole] = await registrations(1, 'CLUSTER');
    assert.equal((whole.data as Record<string, unknown>).numTriggered, 3);
    await unregisterAll();
  });

  test('RG.PAUSEREGISTRATIONS, RG.UNPAUSEREGISTRATIONS and RG.UNREGISTER from any node act on every shard', async () => {
    await clients[2].call('RG.JSEXECUTE', `GB('CommandReader').map(() => 'hi').register({ trigger: 'hi' })`);
    const [id] = await ids(2);
    assert.equal(await clients[1].call('RG.PAUSEREGISTRATIONS', id), 'OK');
    for (const i of [0, 1, 2]) {
      const [reg] = await registrations(i);
      assert.equal((reg.data as Record<string, unknown>).status, 'paused', `paused on node ${i}`);
      await assert.rejects(clients[i].call('RG.TRIGGER', 'hi'), /paused/);
    }
    assert.equal(await clients[0].call('RG.UNPAUSEREGISTRATIONS', id), 'OK');
    for (const i of [0, 1, 2]) assert.deepEqual(await clients[i].call('RG.TRIGGER', 'hi'), ['hi']);
    assert.equal(await clients[0].call('RG.UNREGISTER', id), 'OK');
    for (const i of [0, 1, 2]) {
      assert.deepEqual(await ids(i), [], `gone from node ${i}`);
      await assert.rejects(clients[i].call('RG.TRIGGER', 'hi'), /no registration answers trigger/);
    }
    await assert.rejects(clients[1].call('RG.UNREGISTER', id), /no registration/);
  });

  test('sessions: ID is taken on every shard; UPGRADE from another node replaces it everywhere', async () => {
    const v1 = `GB('CommandReader').map(() => 'v1').register({ trigger: 'ver' })`;
    const v2 = `GB('CommandReader').map(() => 'v2').register({ trigger: 'ver' })`;
    assert.equal(await clients[0].call('RG.JSEXECUTE', v1, 'ID', 'versioned'), 'OK');
    const before = await ids(0);
    await assert.rejects(clients[1].call('RG.JSEXECUTE', v2, 'ID', 'versioned'), /Session versioned already exists/);
    assert.equal(await clients[2].call('RG.JSEXECUTE', v2, 'ID', 'versioned', 'UPGRADE'), 'OK');
    const after = await ids(2);
    assert.notDeepEqual(after, before);
    for (const i of [0, 1, 2]) {
      assert.deepEqual(await ids(i), after);
      assert.deepEqual(await clients[i].call('RG.TRIGGER', 'ver'), ['v2']);
    }
    await unregisterAll();
  });
});

describe("mode: 'async' spreads each execution over the cluster; 'async_local' stays on the shard", () => {
  test('RG.TRIGGER: repartition and collect move the records of one trigger between shards', async () => {
    const steps = `map((args) => args[1]).repartition((k) => k).map(async () => await execute('CLUSTER', 'MYID'))`;
    await clients[0].call('RG.JSEXECUTE', `GB('CommandReader').${steps}.register({ trigger: 'owner', mode: 'async' })`);
    await clients[0].call(
      'RG.JSEXECUTE',
      `GB('CommandReader').${steps}.register({ trigger: 'here', mode: 'async_local' })`,
    );
    for (const i of [0, 1, 2]) {
      for (const key of ['a', 'b', 'c', 'd', 'e', 'f']) {
        const [spread] = (await clients[i].call('RG.TRIGGER', 'owner', key)) as string[];
        const [local] = (await clients[i].call('RG.TRIGGER', 'here', key)) as string[];
        assert.equal(local, shardIds[i], 'async_local runs on the shard triggered');
        assert.equal(spread, await keyOwner(key), `async: the record of ${key} moved to the shard owning it`);
      }
    }
    await unregisterAll();
  });

  test('key events: an async registration writes through repartition to the shard owning the written key', async () => {
    const steps = `map((x) => 'copy:' + x.key).repartition((k) => k).foreach(async (k) => { await execute('SET', k, '1'); })`;
    await clients[1].call('RG.JSEXECUTE', `GB().${steps}.register('spread:*', { mode: 'async' })`);
    await clients[1].call('RG.JSEXECUTE', `GB().${steps}.register('local:*', { mode: 'async_local' })`);
    for (let i = 0; i < 20; i++) {
      await cluster.data.set(`spread:${i}`, 'x');
      await cluster.data.set(`local:${i}`, 'x');
    }
    for (let i = 0; i < 20; i++) {
      for (;;) {
        if ((await cluster.data.exists(`copy:spread:${i}`)) === 1) break;
        await pause();
      }
    }
    // async_local stays on the shard: a write to a key another shard owns is refused there
    for (;;) {
      const local = (await registrations(1, 'CLUSTER')).find((r) => JSON.stringify(r.data).includes('local:*'))!;
      const data = local.data as Record<string, unknown>;
      if (Number(data.numTriggered) === 20) {
        assert.ok(Number(data.numFailures) > 0, 'some copies belong to another shard');
        assert.match(String(data.lastError), /MOVED/);
        break;
      }
      await pause();
    }
    await unregisterAll();
  });

  test('while a shard has no gears server a spread execution fails, naming it; once it is back they spread again', async () => {
    await clients[0].call(
      'RG.JSEXECUTE',
      `GB('CommandReader').map((a) => a[1]).repartition((k) => k).map(async () => await execute('CLUSTER', 'MYID')).register({ trigger: 'spread' })`,
    );
    await cluster.gears[2].stop();
    await assert.rejects(
      clients[0].call('RG.TRIGGER', 'spread', 'a'),
      new RegExp(`shard ${shardIds[2]} .*has no gears server`),
    );
    await cluster.startGears(2);
    clients[2] = cluster.client(2);
    for (const key of ['a', 'b', 'c'])
      assert.deepEqual(await clients[0].call('RG.TRIGGER', 'spread', key), [await keyOwner(key)]);
    await unregisterAll();
  });
});

describe('a gears server that comes back', () => {
  test('has the cluster’s registrations under the same ids, whether its shard kept them or lost them', async () => {
    await clients[0].call('RG.JSEXECUTE', `GB('CommandReader').map(() => 'back').register({ trigger: 'back' })`);
    const registered = await ids(0);

    // restarted on a shard that still stores them
    await cluster.gears[1].stop();
    await assert.rejects(
      clients[0].call('RG.UNREGISTER', registered[0]),
      new RegExp(`shard ${shardIds[1]} .* has no gears server`),
    );
    assert.deepEqual(await ids(0), registered, 'a refused RG.UNREGISTER changes nothing');
    await cluster.startGears(1);
    clients[1] = cluster.client(1);
    assert.deepEqual(await ids(1), registered);

    // restarted on a shard that lost them (as a shard that joins the cluster has none)
    await cluster.gears[2].stop();
    for (const node of cluster.data.nodes('master')) {
      const keys = await node.keys('__gearbox:*:sessions');
      const mine = String(await node.call('CLUSTER', 'MYID'));
      if (mine === shardIds[2]) for (const key of keys) await node.del(key);
    }
    await cluster.startGears(2);
    clients[2] = cluster.client(2);
    assert.deepEqual(await ids(2), registered);
    assert.deepEqual(await clients[2].call('RG.TRIGGER', 'back'), ['back']);
    await unregisterAll();
  });
});

describe('executions across shards', () => {
  test('RG.ABORTEXECUTION on a shard that did not start the execution stops it everywhere', async () => {
    const id = String(
      await clients[0].call('RG.JSEXECUTE', `GB('ShardsIDReader').map(() => { while (true) {} }).run()`, 'UNBLOCKING'),
    );
    for (const client of clients) await untilListed(client, id, 'running');
    const whole = (await clients[1].call('RG.DUMPEXECUTIONS', 'CLUSTER')) as unknown[][];
    assert.equal(whole.filter((e) => e[1] === id).length, 1, 'one entry per execution in the cluster view');
    assert.equal(await clients[2].call('RG.ABORTEXECUTION', id), 'OK');
    for (const client of clients) await untilListed(client, id, 'aborted', ['done']);
    const [, errors] = (await clients[0].call('RG.GETRESULTSBLOCKING', id)) as [unknown[], unknown[]];
    assert.ok(errors.length > 0, 'the originator says why it ended');
  });

  test('RG.DUMPEXECUTIONS CLUSTER lists what every shard ran; RG.GETRESULTS answers on the originator', async () => {
    const id = String(await clients[1].call('RG.JSEXECUTE', `GB('ShardsIDReader').count().run()`, 'UNBLOCKING'));
    const [[count]] = (await clients[1].call('RG.GETRESULTSBLOCKING', id)) as [unknown[]];
    assert.equal(count, '3');
    assert.deepEqual(await clients[1].call('RG.GETRESULTS', id), [['3'], []]);
    for (const i of [0, 1, 2]) {
      const listed = (await clients[i].call('RG.DUMPEXECUTIONS', 'CLUSTER')) as unknown[][];
      assert.deepEqual(
        listed.find((e) => e[1] === id),
        ['executionId', id, 'status', 'done', 'registered', 0],
      );
    }
    await assert.rejects(clients[0].call('RG.DUMPEXECUTIONS', 'EVERYWHERE'), /unknown subcommand/);
  });
});
