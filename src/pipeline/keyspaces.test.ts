// Keyspaces and models on one Redis, through both supported clients' connections.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { startRedis, type RedisProcess } from '../../test/support/redis.js';
import {
  BooleanField,
  FieldError,
  FloatField,
  Hash,
  HyperLogLog,
  IntegerField,
  JsonField,
  List,
  ListField,
  Model,
  RedisSet,
  RedisString,
  SortedSet,
  TextField,
  connect,
  disconnect,
  pipeline,
} from './index.js';

class Counter extends RedisString {
  static override namespace = 'C';
}
class Profile extends Hash.of({ age: IntegerField, admin: BooleanField }) {
  static override namespace = 'P';
}
class Inbox extends List {
  static override namespace = 'I';
}
class Tags extends RedisSet {
  static override namespace = 'T';
}
class Scores extends SortedSet {
  static override namespace = 'S';
}
class Visitors extends HyperLogLog {
  static override namespace = 'V';
}
class Everything extends Model {
  static override namespace = 'E';
  static override fields = {
    text: TextField,
    int: IntegerField,
    float: FloatField,
    flag: BooleanField,
    list: ListField,
    json: JsonField,
  };
}

let server: RedisProcess;
let ioredis: Redis;
let nodeRedis: ReturnType<typeof createClient>;
before(async () => {
  server = await startRedis();
  ioredis = new Redis(server.port, '127.0.0.1');
  nodeRedis = createClient({ url: server.url });
  await nodeRedis.connect();
});
after(async () => {
  ioredis.disconnect();
  await nodeRedis.quit();
  await server.stop();
});

for (const clientName of ['ioredis', 'node-redis'] as const) {
  describe(`keyspaces and models through ${clientName}`, () => {
    before(async () => {
      await ioredis.flushall();
      connect(clientName === 'ioredis' ? ioredis : nodeRedis);
    });
    after(() => disconnect());

    test('every key type, on namespaced keys with the id in a hash tag', async () => {
      const r = await pipeline((p) => {
        const counter = new Counter(p);
        const profile = new Profile(p);
        const inbox = new Inbox(p);
        const tags = new Tags(p);
        const scores = new Scores(p);
        const visitors = new Visitors(p);
        counter.set('1', '10');
        profile.hset('1', { age: 42, admin: true });
        inbox.rpush('1', 'a', 'b', 'c');
        tags.sadd('1', 'x', 'y');
        scores.zadd('1', { alice: 3, bob: 1 });
        visitors.pfadd('1', 'u1', 'u2', 'u1');
        return {
          incremented: counter.incrby('1', 5),
          age: profile.hget('1', 'age'),
          all: profile.hgetall('1'),
          list: inbox.lrange('1', 0, -1),
          tags: tags.smembers('1'),
          ranked: scores.zrangeWithScores('1', 0, -1),
          count: visitors.pfcount('1'),
          exists: counter.exists('1'),
          type: scores.type('1'),
        };
      }).promise;
      assert.equal(r.incremented.result, 15);
      assert.equal(r.age.result, 42);
      assert.deepEqual(r.all.result, { age: 42, admin: true });
      assert.deepEqual(r.list.result, ['a', 'b', 'c']);
      assert.deepEqual(r.tags.result.sort(), ['x', 'y']);
      assert.deepEqual(r.ranked.result, [
        ['bob', 1],
        ['alice', 3],
      ]);
      assert.equal(r.count.result, 2);
      assert.equal(r.exists.result, true);
      assert.equal(r.type.result, 'zset');
      assert.equal(await ioredis.get('C{1}'), '15');
      assert.equal(await ioredis.hget('P{1}', 'admin'), '1');
    });

    test('common key commands and scan; without a pipe each command runs alone', async () => {
      const counter = new Counter();
      await counter.set('ttl', 'v').promise;
      assert.equal(await counter.expire('ttl', 100).promise, true);
      assert.ok((await counter.ttl('ttl').promise) > 0);
      assert.equal(await counter.persist('ttl').promise, true);
      assert.equal(await counter.delete('ttl').promise, 1);
      await pipeline((p) => ['a', 'b', 'c'].map((id) => new Counter(p).set(`scan-${id}`, id))).promise;
      const ids: string[] = [];
      for await (const id of counter.scan({ match: 'scan-*' })) ids.push(id);
      assert.deepEqual(ids.sort(), ['scan-a', 'scan-b', 'scan-c']);
    });

    test('a typed hash field that does not parse names the key and the field', async () => {
      await ioredis.hset('P{bad}', 'age', 'forty');
      const age = new Profile().hget('bad', 'age');
      await assert.rejects(age.promise, (err: Error) =>
        /P\{bad\} field "age": "forty" is not an integer/.test(err.message),
      );
      assert.throws(() => new Profile().hset('x', 'age', 1.5), FieldError);
      class Nameless extends RedisString {}
      assert.throws(() => new Nameless(), /set `static namespace = 'X'`/);
    });

    test('models round-trip every field type exactly', async () => {
      const values = {
        text: 'héllo {wörld}',
        int: -9007199254740991,
        float: -0,
        flag: false,
        list: ['a', '', 'c,d'],
        json: { nested: [1, 2.5, null, 'x'], ok: true },
      };
      const created = await Everything.create('1', values).promise;
      assert.deepEqual(created.toJSON(), { id: '1', ...values });
      const loaded = await Everything.load('1').promise;
      assert.deepEqual(loaded.toJSON(), { id: '1', ...values });
      assert.ok(Object.is(loaded.float, -0));
      assert.equal(loaded.exists, true);
      await loaded.save({ float: 0.1 + 0.2, text: null }).promise;
      const again = await Everything.load('1').promise;
      assert.equal(again.float, 0.30000000000000004);
      assert.equal(again.text, undefined);
      assert.equal(await again.delete().promise, true);
      assert.equal((await Everything.load('1').promise).exists, false);
    });

    test('model bad input: unparseable field, wrong value type, unknown field', async () => {
      await ioredis.hset('E{2}', 'int', '12abc');
      await assert.rejects(Everything.load('2').promise, /E\{2\} field "int": "12abc" is not an integer/);
      // @ts-expect-error int is a number
      assert.throws(() => Everything.create('3', { int: 'x' }), /E\{3\} field "int": expected a safe integer/);
      // @ts-expect-error no such field
      assert.throws(() => Everything.create('3', { nope: 1 }), /has no field "nope"/);
    });
  });
}

describe('typed commands through both clients agree', () => {
  test('strings, hashes, lists, sets, sorted sets, hyperloglog and call', async () => {
    const run = () =>
      pipeline((p) => {
        p.del('cmp:s', 'cmp:h', 'cmp:l', 'cmp:set', 'cmp:z', 'cmp:hll');
        return [
          p.set('cmp:s', 'v', { ex: 100 }),
          p.get('cmp:s'),
          p.set('cmp:s', 'w', { nx: true }),
          p.mget('cmp:s', 'cmp:none'),
          p.incrbyfloat('cmp:f', 0.5),
          p.hset('cmp:h', { a: '1', b: '2' }),
          p.hgetall('cmp:h'),
          p.hmget('cmp:h', 'a', 'zz'),
          p.rpush('cmp:l', 'x', 'y'),
          p.lpop('cmp:l'),
          p.sadd('cmp:set', 'm'),
          p.sismember('cmp:set', 'm'),
          p.zadd('cmp:z', 1.5, 'one'),
          p.zscore('cmp:z', 'one'),
          p.zrangeWithScores('cmp:z', 0, -1),
          p.zpopmin('cmp:z'),
          p.pfadd('cmp:hll', 'a', 'b'),
          p.pfcount('cmp:hll'),
          p.call('strlen', 'cmp:s'),
          p.ttl('cmp:s').map((t) => t > 0),
        ].map((r) => r.promise);
      }).promise.then((promises) => Promise.all(promises));
    connect(ioredis);
    await ioredis.del('cmp:f');
    const viaIoredis = await run();
    connect(nodeRedis);
    await ioredis.del('cmp:f');
    const viaNodeRedis = await run();
    disconnect();
    assert.deepEqual(viaIoredis, viaNodeRedis);
    assert.deepEqual(viaIoredis, [
      'OK',
      'v',
      null,
      ['v', null],
      0.5,
      2,
      { a: '1', b: '2' },
      ['1', null],
      2,
      'x',
      1,
      true,
      1,
      1.5,
      [['one', 1.5]],
      [['one', 1.5]],
      true,
      2,
      1,
      true,
    ]);
  });
});
