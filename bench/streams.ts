// Stream processing (issue 6): 500,000 entries through a StreamReader registration with batch 1000,
// against a hand-written ioredis XREADGROUP + XACK loop doing the same work per batch (sum the
// entries' values, INCRBY two counters, acknowledge). One private Redis, one gears server child process.
import { Redis } from 'ioredis';
import { startGearsProcess, startRedis } from '../test/support/redis.js';
import { perSecond, race, ratio, table, type Timing } from './support.js';

const ENTRIES = 500_000;
const BATCH = 1000;
const STREAM = 'bench:orders';
const SUM = (ENTRIES / 100) * ((99 * 100) / 2); // values are i % 100
const REPS = Math.max(1, Number(process.env.BENCH_REPS ?? 3));
const TARGET = 0.8;

// trimStream false: the hand-written loop does not trim either, and each run reads the same stream anew
const registration = (trim: boolean) => `StreamReader()
  .map((r) => Number(r.value.n))
  .aggregate(0, (a, n) => a + n, (a, n) => a + n)
  .foreach(async (sum) => { await execute('INCRBY', 'sum', sum) })
  .register('${STREAM}', { batch: ${BATCH}, trimStream: ${trim} })`;

async function load(redis: Redis): Promise<void> {
  for (let start = 0; start < ENTRIES; start += 10_000) {
    const pipeline = redis.pipeline();
    for (let i = start; i < start + 10_000; i++) pipeline.xadd(STREAM, '*', 'n', String(i % 100));
    await pipeline.exec();
  }
}

/** Waits until the registration (or loop) summed every entry; polls a second connection. */
async function summed(redis: Redis): Promise<void> {
  while (Number(await redis.get('sum')) < SUM) await new Promise((r) => setTimeout(r, 5));
  if (Number(await redis.get('sum')) !== SUM) throw new Error(`sum ${await redis.get('sum')}, expected ${SUM}`);
}

let runs = 0;

/** gearbox: register (a fresh session, so a fresh consumer group from the first entry), wait, unregister. */
async function gearbox(gears: Redis, redis: Redis, trim: boolean): Promise<number> {
  await redis.del('sum');
  const session = `bench-${runs++}`;
  await gears.call('RG.JSEXECUTE', registration(trim), 'ID', session);
  await summed(redis);
  const dump = (await gears.call('RG.DUMPREGISTRATIONS')) as unknown[][];
  for (const entry of dump) await gears.call('RG.UNREGISTER', String(entry[1]));
  return ENTRIES;
}

/** The loop a user would write with ioredis: read a batch, process it, INCRBY, XACK, until the stream is drained. */
async function handWritten(redis: Redis): Promise<number> {
  await redis.del('sum');
  const group = `hand-${runs++}`;
  await redis.xgroup('CREATE', STREAM, group, '0');
  let seen = 0;
  for (;;) {
    const reply = (await redis.xreadgroup('GROUP', group, 'c', 'COUNT', BATCH, 'STREAMS', STREAM, '>')) as Array<
      [string, Array<[string, string[]]>]
    > | null;
    const entries = reply?.[0]?.[1] ?? [];
    if (entries.length === 0) break;
    let sum = 0;
    const ids: string[] = [];
    for (const [id, fields] of entries) {
      const value: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) value[fields[i]] = fields[i + 1];
      sum += Number(value.n);
      ids.push(id);
    }
    await redis.incrby('sum', sum);
    await redis.xack(STREAM, group, ...ids);
    seen += entries.length;
  }
  await redis.xgroup('DESTROY', STREAM, group);
  return seen;
}

export async function benchStreams(): Promise<Map<string, Timing>> {
  console.log(`\n## Stream processing (issue 6): ${ENTRIES} entries, batch ${BATCH}; medians of ${REPS} runs\n`);
  const server = await startRedis();
  const gearsProcess = await startGearsProcess(server.url).catch(async (err) => {
    await server.stop();
    throw err;
  });
  // RESP2 for the hand-written loop, so xreadgroup answers the usual array of [stream, entries]
  const redis = new Redis(server.url, { protocol: 2 });
  const poll = new Redis(server.url);
  const gears = new Redis(gearsProcess.url);
  try {
    const t = performance.now();
    await load(redis);
    console.log(`loaded ${ENTRIES} entries into ${STREAM} in ${Math.round(performance.now() - t)} ms`);
    const timings = await race(
      [
        { name: 'gearbox StreamReader registration', run: () => gearbox(gears, poll, false) },
        { name: 'hand-written XREADGROUP + XACK loop', run: () => handWritten(redis) },
      ],
      REPS,
      (name, result) => {
        if (result !== ENTRIES) throw new Error(`${name}: handled ${String(result)} entries`);
      },
    );
    const ours = timings.get('gearbox StreamReader registration')!.medianMs;
    const hand = timings.get('hand-written XREADGROUP + XACK loop')!.medianMs;
    console.log(
      table(
        ['approach', 'median ms', 'entries/s', 'gearbox / this'],
        [...timings.values()].map((s) => [
          s.name,
          s.medianMs.toFixed(0),
          perSecond(ENTRIES, s.medianMs),
          ratio(s.medianMs, ours),
        ]),
      ),
    );
    const speed = hand / ours;
    console.log(
      `\ngearbox / hand-written: ${speed.toFixed(2)}x entries per second (${speed >= TARGET ? 'ok' : 'BELOW'} the ${TARGET}x target)`,
    );
    // RedisGears' default trims what is processed; one run shows what trimming costs (it empties the stream)
    const trimmed = performance.now();
    await gearbox(gears, poll, true);
    const trimMs = performance.now() - trimmed;
    console.log(
      `with trimStream true (RedisGears' default; one run): ${trimMs.toFixed(0)} ms, ${perSecond(ENTRIES, trimMs)}, ` +
        `stream length after: ${await redis.xlen(STREAM)}`,
    );
    return timings;
  } finally {
    redis.disconnect();
    poll.disconnect();
    gears.disconnect();
    await gearsProcess.stop();
    await server.stop();
  }
}
