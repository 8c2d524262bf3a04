// Deferred-result pipelines: a reusable function that pipelines by itself or joins its caller's
// pipeline, a keyspace and a model, all in one round trip.
// Run: npm run build && node dist/examples/pipelines.js   (or REDIS_URL=redis://127.0.0.1:6379 ...)
import { Redis } from 'ioredis';
import { startRedis } from '../test/support/redis.js';
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
} from '../src/pipeline/index.js';

function incrementAndExpire(key: string, n = 1, expire = 60, pipe?: Pipeline): DeferredResult<number> {
  return pipeline(pipe, (p) => {
    const ref = p.incrby(key, n);
    p.expire(key, expire);
    return ref;
  });
}

class Followers extends SortedSet {
  static override namespace = 'F';
}

class User extends Model {
  static override namespace = 'U';
  static override fields = { name: TextField, last_seen: IntegerField, admin: BooleanField };
}

async function main(): Promise<void> {
  const server = process.env.REDIS_URL ? undefined : await startRedis();
  const client = new Redis(process.env.REDIS_URL ?? server!.url);
  connect(client);
  try {
    // Four commands from two calls of a reusable function, one round trip.
    const [k1, k2] = await pipeline((p) => [incrementAndExpire('key1', 1, 60, p), incrementAndExpire('key2', 5, 60, p)])
      .promise;
    console.log('key1 =', k1.result, ' key2 =', k2.result);
    console.log('key3 alone =', await incrementAndExpire('key3').promise);

    // A keyspace, a model and a plain command side by side, again one round trip.
    const now = Math.floor(Date.now() / 1000);
    const { members, user } = await pipeline((p) => {
      const followers = new Followers(p);
      followers.zadd('1', 'alice', 1);
      followers.zadd('1', 'bob', 2);
      return { members: followers.zrange('1', 0, -1), user: User.create('1', { name: 'Bob', last_seen: now }, p) };
    }).promise;
    console.log('followers of 1:', members.result);
    console.log('created:', user.result.toJSON());
    const loaded = await User.load('1').promise;
    console.log(`loaded: ${loaded.name}, last seen ${loaded.last_seen}, admin: ${loaded.admin ?? false}`);
  } finally {
    disconnect();
    client.disconnect();
    await server?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
