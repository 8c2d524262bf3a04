// Keyspace notification processing (RedisGears' example, RedGrease quickstart 2.4.5), in two steps: expiration
// events are captured into the shard's own `expired:{tag}` stream, and a stream registration processes that
// stream in batches of up to 100, or whatever arrived within a millisecond. Here `process` logs each key and
// keeps it in the list `expired:log`, so that the run can be checked.
// Run: npm run build && node dist/examples/keyspace-notification-processing.js
import { KeysReader, StreamReader, cmd, hashtag, log } from 'gearbox';
import { exampleStack, runIfMain, until } from './support/event-stack.js';

export const captureExpirations = KeysReader()
  .keys()
  .foreach((key) => cmd.xadd(`expired:{${hashtag()}}`, { key }))
  .register('*', { mode: 'sync', eventTypes: ['expired'], readValue: false });

export const processExpirations = StreamReader()
  .foreach(async (r) => {
    log(`Key '${r.value.key}' expired at ${r.id.split('-')[0]}`);
    await cmd.rpush('expired:log', r.value.key);
  })
  .register('expired:*', { batch: 100, duration: 1 });

export async function main(): Promise<{ expired: string[] }> {
  const stack = await exampleStack();
  try {
    await stack.gears.gears.jsexecute(captureExpirations);
    await stack.gears.gears.jsexecute(processExpirations);
    for (const name of ['a', 'b', 'c']) await stack.gears.set(`token:${name}`, 'x', 'PX', 50);
    await until(async () => (await stack.redis.llen('expired:log')) === 3, 'three expirations');
    return { expired: (await stack.redis.lrange('expired:log', 0, -1)).sort() };
  } finally {
    await stack.close();
  }
}

runIfMain(import.meta, main);
