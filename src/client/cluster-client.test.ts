// The client given one node of a real 3-primary Redis Cluster (a gears server per primary) becomes a
// cluster client by itself: keys of every slot work without MOVED, gears commands answer for the whole
// cluster, and keyed commands pass through the gears servers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGearsCluster, type GearsClusterHarness } from '../cluster/cluster.test.support.js';
import { GB } from '../model/index.js';
import { command, RedisGears } from './index.js';

let cluster: GearsClusterHarness;
const clients: RedisGears[] = [];

const open = (port: number) => {
  const client = new RedisGears({ port, maxRetriesPerRequest: 1 });
  clients.push(client);
  return client;
};

before(async () => {
  cluster = await startGearsCluster();
});

after(async () => {
  for (const client of clients) client.disconnect();
  await cluster?.stop();
});

const KEYS = Array.from({ length: 60 }, (_, i) => `spread:${i}`);

describe('RedisGears given one gears server of a cluster', () => {
  test('SET and GET of keys in every shard succeed, and land on the shard serving each slot', async () => {
    const client = open(cluster.gears[1].port);
    for (const key of KEYS) assert.equal(await client.set(key, `v-${key}`), 'OK');
    for (const key of KEYS) assert.equal(await client.get(key), `v-${key}`);
    assert.deepEqual(await client.mget('spread:{a}1', 'spread:{a}2'), [null, null]); // one slot: fine in a cluster
    for (const key of KEYS) assert.equal(await cluster.data.get(key), `v-${key}`);
    assert.ok(await client.clusterClient(), 'the client knows it talks to a cluster');
  });

  test('keyed commands go through the gears servers: RG.INFOCLUSTER names each shard’s gears server', async () => {
    const client = open(cluster.gears[0].port);
    const info = await client.gears.infocluster();
    assert.ok(info);
    const announced = info.shards.map((s) => s.gearsAddress).sort();
    assert.deepEqual(announced, cluster.gears.map((g) => `127.0.0.1:${g.port}`).sort());
    await client.set('through:gears', '1');
    const routes = (await client.clusterClient())!.nodes('master').map((node) => node.options.port);
    assert.deepEqual(
      routes.sort(),
      cluster.gears.map((g) => g.port).sort(),
      'every primary is reached through its gears server',
    );
  });

  test('jsexecute returns the cluster-wide result', async () => {
    const client = open(cluster.gears[2].port);
    for (const key of KEYS) await client.set(key, '1');
    const result = await client.gears.jsexecute(
      GB('KeysReader', 'spread:*')
        .map((r) => Number(r.value))
        .aggregate(
          0,
          (a, r) => a + r,
          (a, r) => a + r,
        )
        .run(),
    );
    assert.deepEqual(result.errors, []);
    assert.equal(Number(result.value), KEYS.length);
  });

  test('a command() trigger works through the client', async () => {
    const client = open(cluster.gears[0].port);
    const twice = command((text: string) => `${text}${text}`, { on: client, trigger: 'clusterTwice', replace: true });
    assert.equal(await twice('ab'), 'abab');
    await client.set('after:trigger', 'x');
    assert.equal(await client.get('after:trigger'), 'x');
  });
});

describe('RedisGears given a plain Redis Cluster node', () => {
  test('becomes a plain cluster client: keys of every slot work', async () => {
    const client = open(cluster.redis.nodes[0].port);
    for (const key of KEYS) await client.set(`plain:${key}`, key);
    for (const key of KEYS) assert.equal(await client.get(`plain:${key}`), key);
  });

  test('dumpregistrations and dumpexecutions with CLUSTER: the whole cluster from one node', async () => {
    const client = open(cluster.gears[0].port);
    await client.gears.jsexecute("CommandReader().map(() => 'ok').register({ trigger: 'counted' })");
    for (const gears of cluster.gears) assert.equal((await open(gears.port).gears.trigger('counted')).value, 'ok');
    const [mine] = await client.gears.dumpregistrations({ trigger: 'counted' });
    const [all] = await client.gears.dumpregistrations({ trigger: 'counted' }, 'CLUSTER');
    assert.equal(mine.RegistrationData.numTriggered, 1);
    assert.equal(all.RegistrationData.numTriggered, 3);
    const id = await client.gears.jsexecute(GB('ShardsIDReader').count().run(), { unblocking: true });
    await client.gears.getresultsblocking(id);
    const listed = await open(cluster.gears[1].port).gears.dumpexecutions({ status: 'done' }, 'CLUSTER');
    assert.ok(listed.some((e) => e.executionId.text === id.text));
    await client.gears.unregister(mine.id);
  });
});
