// RedGrease's "Gear Function Comparisons" (quickstart 2.4): each RedisGears documentation example in
// its vanilla form (a source string, as RedisGears ships it) beside the gearbox form (typed
// GearFunction objects), run one after the other on the same data with the same outcome.
// Run: npm run build && node dist/examples/comparisons.js
import { setTimeout as sleep } from 'node:timers/promises';
import { cmd, execute, hashtag, KeysReader, RedisGears, StreamReader } from 'gearbox';
import { gearsStack } from './support/stack.js';

const stack = await gearsStack();
const r = new RedisGears(stack.url);

/** Polls until `probe` is truthy (registrations act asynchronously), for up to ten seconds. */
async function until<T>(probe: () => Promise<T | false | 0>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value) return value as T;
    await sleep(50);
  }
  throw new Error('the registration did not act within ten seconds');
}

async function unregisterAll(): Promise<void> {
  for (const registration of await r.gears.dumpregistrations()) await r.gears.unregister(registration);
}

function show(title: string, vanilla: unknown, gearbox: unknown): void {
  const same = JSON.stringify(vanilla) === JSON.stringify(gearbox);
  console.log(
    `${title}: ${same ? 'same' : 'DIFFERENT'}\n  vanilla: ${JSON.stringify(vanilla)}\n  gearbox: ${JSON.stringify(gearbox)}`,
  );
  if (!same) process.exitCode = 1;
}

try {
  // 2.4.1 Word count
  await r.flushall();
  await r.mset('s:1', 'the cat sat', 's:2', 'the dog sat down');
  const vanillaWords = await r.gears.jsexecute(`
    const gb = GearsBuilder();
    gb.map((x) => x.value);
    gb.flatmap((x) => x.split(' '));
    gb.countby();
    gb.run();`);
  const words = await KeysReader()
    .values()
    .flatmap((sentence) => String(sentence).split(' '))
    .countby()
    .run({ on: r });
  const sorted = (results: Iterable<unknown>) => [...results].map(String).sort();
  show('word count', sorted(vanillaWords), sorted(words));

  // 2.4.2 Delete by key prefix
  const seed = () => r.mset('delete_me:1', 'a', 'delete_me:2', 'b', 'keep:1', 'c');
  await seed();
  const vanillaDeleted = await r.gears.jsexecute(`
    const gb = GearsBuilder();
    gb.map((x) => x.key);
    gb.foreach((x) => execute('DEL', x));
    gb.count();
    gb.run('delete_me:*');`);
  await seed();
  const deleted = await KeysReader()
    .keys()
    .foreach((key) => cmd.del(key))
    .count()
    .run('delete_me:*', { on: r });
  show('delete by key prefix', vanillaDeleted.value, deleted.value);

  // 2.4.3 Basic Redis stream processing: copy each new message to a hash named by its id
  await r.flushall();
  await r.gears.jsexecute(`
    GearsBuilder('StreamReader')
      .foreach((x) => execute('HSET', x.id, ...Object.entries(x.value).flat()))
      .register('mystream');`);
  const id1 = await r.xadd('mystream', '*', 'msg', 'vanilla');
  const vanillaCopy = await until(async () => (await r.exists(id1!)) && r.hgetall(id1!));
  await unregisterAll();
  await StreamReader()
    .foreach((record) => cmd.hset(record.id, record.value))
    .register('mystream', { on: r });
  const id2 = await r.xadd('mystream', '*', 'msg', 'vanilla');
  const copy = await until(async () => (await r.exists(id2!)) && r.hgetall(id2!));
  show('basic stream processing', vanillaCopy, copy);
  await unregisterAll();

  // 2.4.4 Automatic expiry: every written key gets a one-hour TTL (sync: before the write's reply)
  await r.gears.jsexecute(`
    const gb = GB();
    gb.foreach((x) => execute('EXPIRE', x.key, 3600));
    gb.register('*', { mode: 'sync', readValue: false });`);
  await r.set('expiring:vanilla', 'v');
  const vanillaTtl = await until(() => r.ttl('expiring:vanilla').then((t) => t > 0 && t));
  await unregisterAll();
  await KeysReader()
    .keys()
    .foreach((key) => cmd.expire(key, 3600))
    .register('*', { mode: 'sync', readValue: false, on: r });
  await r.set('expiring:gearbox', 'v');
  const ttl = await until(() => r.ttl('expiring:gearbox').then((t) => t > 0 && t));
  show('automatic expiry (TTL set, in seconds)', vanillaTtl > 3500, ttl > 3500);
  await unregisterAll();

  // 2.4.5 Keyspace notification processing: expirations captured into a shard-local stream,
  // whose messages another registration processes (here: records which keys expired)
  await r.gears.jsexecute(`
    GB('KeysReader')
      .foreach((x) => execute('XADD', 'expired:' + hashtag(), '*', 'key', x.key))
      .register('*', { mode: 'sync', eventTypes: ['expired'], readValue: false });
    GB('StreamReader')
      .foreach((x) => execute('SADD', 'processed', x.value.key))
      .register('expired:*', { batch: 100, duration: 1 });`);
  await r.set('short:vanilla', 'v', 'PX', 20);
  const vanillaProcessed = await until(() => r.smembers('processed').then((m) => m.length > 0 && m));
  await unregisterAll();
  await r.del('processed');
  await KeysReader()
    .keys()
    .foreach((key) => cmd.xadd(`expired:${hashtag()}`, { key }))
    .register('*', { mode: 'sync', eventTypes: ['expired'], readValue: false, on: r });
  await StreamReader()
    .foreach((record) => cmd.sadd('processed', record.value.key))
    .register('expired:*', { batch: 100, duration: 1, on: r });
  await r.set('short:gearbox', 'v', 'PX', 20);
  const processed = await until(() => r.smembers('processed').then((m) => m.length > 0 && m));
  show('keyspace notification processing', vanillaProcessed.length, processed.length);
  await unregisterAll();

  // 2.4.6 Reliable keyspace notification: each hset on person:* captured to a stream (Redis reports
  // HMSET as an hset event, so the seed's ['hset', 'hmset'] is ['hset'] here)
  await r.gears.jsexecute(`
    GearsBuilder()
      .foreach((x) => execute('XADD', 'notifications-stream', '*', 'key', x.key, 'event', x.event))
      .register('person:*', { eventTypes: ['hset'], mode: 'sync' });`);
  await r.hset('person:1', { name: 'Rick' });
  const vanillaNotes = await until(() => r.xlen('notifications-stream'));
  await unregisterAll();
  await KeysReader()
    .foreach((record) => execute('XADD', 'notifications-stream', '*', 'key', record.key, 'event', record.event))
    .register('person:*', { eventTypes: ['hset'], mode: 'sync', on: r });
  await r.hset('person:2', { name: 'Morty' });
  const notes = await until(() => r.xlen('notifications-stream').then((n) => n > 1 && n - 1));
  show('reliable keyspace notification (entries per write)', vanillaNotes, notes);
  await unregisterAll();
} finally {
  r.disconnect();
  await stack.stop();
}
