// Pipelines over a Redis Cluster: split per primary, results in the caller's order, redirections
// followed, and what the plain client does with the same pipeline.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import calculateSlot from 'cluster-key-slot';
import { Cluster, Redis } from 'ioredis';
import { startCluster, type RedisClusterProcess } from '../../test/support/cluster.js';
import { CommandError, RedisString, connect, disconnect, pipeline } from './index.js';

describe('pipelines on a Redis Cluster', () => {
  let processes: RedisClusterProcess;
  let cluster: Cluster;
  let nodes: Redis[];

  before(async () => {
    processes = await startCluster();
    cluster = new Cluster(processes.nodes.map((n) => ({ host: n.host, port: n.port })));
    await cluster.ping();
    nodes = processes.nodes.map((n) => new Redis(n.port, n.host));
    connect(cluster);
  });
  after(async () => {
    disconnect();
    cluster.disconnect();
    for (const node of nodes) node.disconnect();
    await processes.stop();
  });

  const owner = (key: string): string => cluster.slots[calculateSlot(key)]![0]!;

  test('keys on every primary go in one call, in the caller order', async () => {
    const keys = Array.from({ length: 300 }, (_, i) => `spread:${i}`);
    assert.equal(new Set(keys.map(owner)).size, 3, 'the keys span all three primaries');
    const refs = await pipeline((p) => keys.map((k, i) => p.incrby(k, i))).promise;
    assert.deepEqual(
      refs.map((r) => r.result),
      keys.map((_, i) => i),
    );
    const values = await pipeline((p) => keys.map((k) => p.get(k))).promise;
    assert.deepEqual(
      values.map((v) => v.result),
      keys.map((_, i) => String(i)),
    );
  });

  test('the plain ioredis cluster pipeline rejects the same pipeline; gearbox runs it', async () => {
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    assert.ok(new Set(keys.map(owner)).size > 1);
    const plain = cluster.pipeline();
    for (const k of keys) plain.incr(`diff:${k}`);
    await assert.rejects(plain.exec(), /should belong to the same slots allocation group/);
    const ours = await pipeline((p) => keys.map((k) => p.incr(`diff:${k}`))).promise;
    assert.deepEqual(
      ours.map((r) => r.result),
      [1, 1, 1, 1, 1, 1],
    );
  });

  test('a multi-key command across slots fails alone with CROSSSLOT', async () => {
    const [good, bad] = await pipeline((p) => [p.set('x{1}', 'v'), p.mget('x{1}', 'x{2}')]).promise;
    assert.equal(good.result, 'OK');
    assert.throws(
      () => bad.result,
      (err: Error) => err instanceof CommandError && /CROSSSLOT/.test(err.message),
    );
  });

  test('transactions must keep to one primary; with a hash tag they run', async () => {
    const refs = await pipeline((p) => [p.incr('tx{u1}:a'), p.incr('tx{u1}:b')], { transaction: true }).promise;
    assert.deepEqual(
      refs.map((r) => r.result),
      [1, 1],
    );
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'].map((k) => `txspread:${k}`);
    const spread = await pipeline((p) => keys.map((k) => p.incr(k)), { transaction: true }).promise;
    assert.throws(() => spread[0]!.result, /must keep all its keys on one primary/);
  });

  test('a slot moved after the client cached the slot map is followed (MOVED)', async () => {
    const key = 'moving-key';
    const slot = calculateSlot(key);
    await cluster.set(key, '41');
    const [source, target] = await migrationPair(slot);
    await moveSlot(slot, source, target, [key]);
    assert.equal(owner(key), `127.0.0.1:${source.options.port}`, 'the client still believes the old owner');
    const value = await pipeline((p) => p.incr(key)).promise;
    assert.equal(value, 42);
    assert.equal(await target.get(key), '42');
  });

  test('a slot being migrated is followed (ASK)', async () => {
    const key = 'asked-key';
    const slot = calculateSlot(key);
    const [source, target] = await migrationPair(slot);
    const sourceId = await source.call('cluster', 'myid');
    const targetId = await target.call('cluster', 'myid');
    await target.call('cluster', 'setslot', slot, 'importing', sourceId as string);
    await source.call('cluster', 'setslot', slot, 'migrating', targetId as string);
    try {
      // The key is not on the source, so the source answers ASK and the target takes it.
      assert.equal(await pipeline((p) => p.incr(key)).promise, 1);
      assert.equal(await target.call('asking').then(() => target.get(key)), '1');
    } finally {
      for (const node of nodes) await node.call('cluster', 'setslot', slot, 'node', sourceId as string).catch(() => {});
    }
  });

  test('a keyspace scan visits every primary', async () => {
    class Counter extends RedisString {
      static override namespace = 'C';
    }
    const ids = Array.from({ length: 60 }, (_, i) => String(i));
    await pipeline((p) => ids.map((id) => new Counter(p).set(id, id))).promise;
    const seen: string[] = [];
    for await (const id of new Counter().scan()) seen.push(id);
    assert.deepEqual(seen.sort(), [...ids].sort());
  });

  /** The slot's owner and another primary, as direct connections. */
  async function migrationPair(slot: number): Promise<[Redis, Redis]> {
    const ownerKey = cluster.slots[slot]![0]!;
    const source = nodes.find((n) => `127.0.0.1:${n.options.port}` === ownerKey)!;
    const target = nodes.find((n) => n !== source)!;
    return [source, target];
  }

  async function moveSlot(slot: number, source: Redis, target: Redis, keys: string[]): Promise<void> {
    const sourceId = (await source.call('cluster', 'myid')) as string;
    const targetId = (await target.call('cluster', 'myid')) as string;
    await target.call('cluster', 'setslot', slot, 'importing', sourceId);
    await source.call('cluster', 'setslot', slot, 'migrating', targetId);
    await source.call('migrate', '127.0.0.1', target.options.port!, '', 0, 5000, 'KEYS', ...keys);
    for (const node of nodes) await node.call('cluster', 'setslot', slot, 'node', targetId);
  }
});
