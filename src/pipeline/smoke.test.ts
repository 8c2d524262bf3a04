import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis, Cluster } from 'ioredis';
import { startRedis } from '../../test/support/redis.js';
import { startCluster } from '../../test/support/cluster.js';
import { connect, pipeline, type Pipeline, type DeferredResult } from './index.js';

function incrementAndExpire(key: string, n = 1, expire = 60, pipe?: Pipeline): DeferredResult<number> {
  return pipeline(pipe, (p) => {
    const ref = p.incrby(key, n);
    p.expire(key, expire);
    return ref;
  });
}

test('smoke', async () => {
  const server = await startRedis();
  const client = new Redis(server.port, '127.0.0.1');
  connect(client);
  const [k1, k2] = await pipeline((p) => [incrementAndExpire('key1', 1, 60, p), incrementAndExpire('key2', 1, 60, p)])
    .promise;
  assert.equal(k1.result, 1);
  assert.equal(k2.result, 1);
  assert.equal(await incrementAndExpire('key3').promise, 1);
  const h = await pipeline((p) => {
    p.hset('h', { a: '1', b: '2' });
    return p.hgetall('h');
  }).promise;
  assert.deepEqual(h, { a: '1', b: '2' });
  client.disconnect();
  await server.stop();
  const cl = await startCluster();
  const cluster = new Cluster(cl.nodes.map((n) => ({ host: n.host, port: n.port })));
  connect(cluster, { name: 'c' });
  const refs = await pipeline((p) => Array.from({ length: 50 }, (_, i) => p.incrby(`k${i}`, i)), { name: 'c' }).promise;
  assert.deepEqual(
    refs.map((r) => r.result),
    Array.from({ length: 50 }, (_, i) => i),
  );
  cluster.disconnect();
  await cl.stop();
});
