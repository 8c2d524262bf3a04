// Every snippet of the RedPipe seed, in TypeScript, on one Redis and on a 3-primary Redis Cluster.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cluster, Redis } from 'ioredis';
import { startRedis, type RedisProcess } from '../../test/support/redis.js';
import { startCluster, type RedisClusterProcess } from '../../test/support/cluster.js';
import {
  BooleanField,
  DeferredResult,
  IntegerField,
  Model,
  SortedSet,
  TextField,
  connect,
  disconnect,
  pipeline,
  type Pipeline,
} from './index.js';

function incrementAndExpire(key: string, n = 1, expire = 60, pipe?: Pipeline): DeferredResult<number> {
  return pipeline(pipe, (p) => {
    const ref = p.incrby(key, n);
    p.expire(key, expire);
    return ref;
  });
}

function incrementKeys(keys: readonly string[], pipe?: Pipeline): DeferredResult<number> {
  const ref = new DeferredResult<number>();
  pipeline(pipe, (p) => {
    const results = keys.map((key) => p.incr(key));
    p.onExecute(() => ref.set(results.reduce((sum, r) => sum + r.result, 0)));
  });
  return ref;
}

class Followers extends SortedSet {
  static override namespace = 'F';
}

class User extends Model {
  static override namespace = 'U';
  static override fields = {
    name: TextField,
    last_name: TextField,
    last_seen: IntegerField,
    admin: BooleanField,
  };
  get userId(): string {
    return this.id;
  }
}

interface Target {
  readonly name: string;
  start(): Promise<{ client: Redis | Cluster; stop(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'single Redis',
    async start() {
      const server: RedisProcess = await startRedis();
      const client = new Redis(server.port, '127.0.0.1');
      return { client, stop: async () => (client.disconnect(), server.stop()) };
    },
  },
  {
    name: 'Redis Cluster',
    async start() {
      const cluster: RedisClusterProcess = await startCluster();
      const client = new Cluster(cluster.nodes.map((n) => ({ host: n.host, port: n.port })));
      return { client, stop: async () => (client.disconnect(), cluster.stop()) };
    },
  },
];

for (const target of targets) {
  describe(`RedPipe seed on ${target.name}`, () => {
    let client: Redis | Cluster;
    let stop: () => Promise<void>;
    before(async () => {
      ({ client, stop } = await target.start());
      connect(client);
    });
    after(async () => {
      disconnect();
      await stop();
    });

    test('the problem: a plain pipeline decouples results from commands', async () => {
      // With a cluster, ioredis itself refuses these keys in one pipeline; gearbox takes them (the solution below).
      const results = await pipeline((pipe) => [
        pipe.incr('p:key1'),
        pipe.expire('p:key1', 60),
        pipe.incrby('p:key2', 3),
        pipe.expire('p:key2', 60),
      ]).promise;
      assert.deepEqual(
        results.map((r) => r.result),
        [1, true, 3, true],
      );
    });

    test('a reusable function nests into its caller, or executes alone', async () => {
      const [key1, key2] = await pipeline((pipe) => [
        incrementAndExpire('key1', 1, 60, pipe),
        incrementAndExpire('key2', 1, 60, pipe),
      ]).promise;
      assert.equal(key1.result, 1);
      assert.equal(key2.result, 1);
      assert.equal(await incrementAndExpire('key3').promise, 1);
      assert.ok((await client.ttl('key1')) > 0);
    });

    test('a hundred calls, one pipeline', async () => {
      const results = await pipeline((pipe) =>
        Array.from({ length: 100 }, (_, i) => incrementAndExpire(`hundred${i}`, i, 60, pipe)),
      ).promise;
      assert.deepEqual(
        results.map((r) => r.result),
        Array.from({ length: 100 }, (_, i) => i),
      );
    });

    test('callbacks combine results: increment_keys', async () => {
      const keys = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `cb${from + i}`);
      assert.equal(await incrementKeys(keys(0, 100)).promise, 100);
      const [first, second] = await pipeline((pipe) => [
        incrementKeys(keys(0, 100), pipe),
        incrementKeys(keys(100, 200), pipe),
      ]).promise;
      assert.equal(first.result, 200);
      assert.equal(second.result, 100);
    });

    test('multiple connections by name', async () => {
      const messages = await startRedis();
      const messagesClient = new Redis(messages.port, '127.0.0.1');
      try {
        connect(client, { name: 'users' });
        connect(messagesClient, { name: 'messages' });
        await pipeline((users) => users.hset('u{1}', 'name', 'joe'), { name: 'users' }).promise;
        await pipeline((msgs) => msgs.hset('m{1}', 'body', 'hi there'), { name: 'messages' }).promise;
        assert.equal(await client.hget('u{1}', 'name'), 'joe');
        assert.equal(await messagesClient.hget('m{1}', 'body'), 'hi there');
        assert.equal(await messagesClient.exists('u{1}'), 0);
      } finally {
        disconnect('users');
        disconnect('messages');
        messagesClient.disconnect();
        await messages.stop();
      }
    });

    test('keyspaces: Followers', async () => {
      const [f1Members, f2Members] = await pipeline((pipe) => {
        const f1 = new Followers(pipe);
        const f2 = new Followers(pipe);
        f1.zadd('1', 'a', 1);
        f2.zadd('2', 'a', 2);
        return [f1.zrange('1', 0, -1), f2.zrange('2', 0, -1)];
      }).promise;
      assert.deepEqual(f1Members.result, ['a']);
      assert.deepEqual(f2Members.result, ['a']);
      assert.equal(await client.zscore('F{1}', 'a'), '1');
    });

    test('models: User', async () => {
      const now = Math.floor(Date.now() / 1000);
      const [u1, u2] = await pipeline((pipe) => [
        User.create('1', { name: 'Bob', last_seen: now }, pipe),
        User.create('2', { name: 'Jill', last_seen: now }, pipe),
      ]).promise;
      assert.deepEqual(
        [u1.result.toJSON(), u2.result.toJSON()],
        [
          { id: '1', name: 'Bob', last_seen: now },
          { id: '2', name: 'Jill', last_seen: now },
        ],
      );

      const [loaded1, loaded2] = await pipeline((pipe) => {
        const users = [User.load('1', pipe), User.load('2', pipe)];
        users[0]!.map((u) => u.save({ name: 'Bobby', last_seen: now + 1 }));
        return users;
      }).promise;
      assert.equal(loaded1.result.name, 'Bob');
      assert.equal(loaded2.result.name, 'Jill');
      assert.equal(loaded1.result.userId, '1');

      const again = await pipeline((pipe) => {
        const u = User.load('1', pipe);
        return u;
      }).promise;
      assert.equal(again.name, 'Bobby');
      assert.equal(again.last_seen, now + 1);
      assert.equal(again.exists, true);
    });
  });
}
