// Key event registrations (issue 6, "Speed"): round trip and sustained rate of a registered function
// against a hand-written keyspace-notification subscriber doing the same INCR, and the gears
// server's peak RSS under a flood of 1,000,000 events. One private Redis, one gears server child.
import { Redis } from 'ioredis';
import { startGearsProcess, startRedis } from '../test/support/redis.js';
import { encode, perSecond, pipeRaw, table, watchMemory } from './support.js';

const ROUND_TRIPS = Number(process.env.BENCH_EVENTS ?? 5000);
const SUSTAINED = 200_000;
const FLOOD = 1_000_000;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const ms = (v: number) => v.toFixed(3);

interface Latency {
  readonly p50: number;
  readonly p99: number;
}

async function latencies(n: number, once: (i: number) => Promise<void>): Promise<Latency> {
  for (let i = 0; i < 200; i++) await once(-1 - i); // warm-up
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await once(i);
    out.push(performance.now() - t);
  }
  out.sort((a, b) => a - b);
  return { p50: percentile(out, 0.5), p99: percentile(out, 0.99) };
}

/** Polls `key` until it reads `value`: how a client sees an asynchronous effect. */
async function until(client: Redis, key: string, value: number): Promise<void> {
  while (Number(await client.get(key)) < value) {
    // poll again: each GET is one round trip, the resolution of this measurement
  }
}

/**
 * The hand-written baseline: a subscriber on Redis' keyevent channel for `set` that INCRs a counter
 * for every key with `prefix`; `counterKey` is the counter.
 */
async function handWrittenSubscriber(url: string, prefix: string, counterKey: string): Promise<() => void> {
  const sub = new Redis(url);
  const writer = new Redis(url);
  await sub.config('SET', 'notify-keyspace-events', 'KEA');
  sub.on('message', (_channel: string, key: string) => {
    if (key.startsWith(prefix)) void writer.incr(counterKey);
  });
  await sub.subscribe('__keyevent@0__:set');
  return () => {
    sub.disconnect();
    writer.disconnect();
  };
}

async function registrationStats(client: Redis): Promise<Map<string, Record<string, unknown>>> {
  const dump = (await client.call('RG.DUMPREGISTRATIONS')) as unknown[][];
  const out = new Map<string, Record<string, unknown>>();
  for (const entry of dump) {
    const data = entry[7] as unknown[];
    const fields: Record<string, unknown> = {};
    for (let i = 0; i + 1 < data.length; i += 2) fields[String(data[i])] = data[i + 1];
    const args = fields.args as unknown[];
    out.set(String(args[1]), fields);
  }
  return out;
}

/** Floods `n` SETs straight to Redis and times until `done()` says every event was handled. */
async function flood(port: number, prefix: string, n: number, done: () => Promise<boolean>): Promise<number> {
  const t = performance.now();
  const commands = function* () {
    for (let i = 0; i < n; i++) yield encode(['SET', `${prefix}${i % 10000}`, i]);
  };
  await pipeRaw(port, commands());
  while (!(await done())) await new Promise((r) => setTimeout(r, 20));
  return performance.now() - t;
}

export async function benchEvents(): Promise<void> {
  const redis = await startRedis();
  const gears = await startGearsProcess(redis.url, ['--threads', '2']);
  const client = new Redis(gears.port, '127.0.0.1');
  const direct = new Redis(redis.url);
  const stopBaseline = await handWrittenSubscriber(redis.url, 'rb:', 'ctr:base');
  try {
    const incr = (counter: string, prefix: string, mode: string) =>
      `GB().foreach(async () => { await execute('INCR', '${counter}') }).register('${prefix}*', {mode: '${mode}', eventTypes: ['set'], readValue: false})`;
    await client.call('RG.JSEXECUTE', incr('ctr:async', 'ra:', 'async'));
    await client.call('RG.JSEXECUTE', incr('ctr:sync', 'rs:', 'sync'));

    // --- round trips: SET, then see the counter move -------------------------------------------
    let base = 0;
    let asyncN = 0;
    let syncN = 0;
    const plainSet = await latencies(ROUND_TRIPS, async (i) => void (await client.set('plain', i)));
    const syncSet = await latencies(ROUND_TRIPS, async (i) => {
      await client.set('rs:k', i);
      syncN++;
    });
    const baseline = await latencies(ROUND_TRIPS, async (i) => {
      await direct.set('rb:k', i);
      await until(direct, 'ctr:base', ++base);
    });
    const asyncTrip = await latencies(ROUND_TRIPS, async (i) => {
      await client.set('ra:k', i);
      await until(client, 'ctr:async', ++asyncN);
    });
    const asyncDirect = await latencies(ROUND_TRIPS, async (i) => {
      await direct.set('ra:k', i);
      await until(direct, 'ctr:async', ++asyncN);
    });
    const syncTrip = await latencies(ROUND_TRIPS, async (i) => {
      await client.set('rs:k', i);
      const seen = Number(await client.get('ctr:sync'));
      if (seen !== ++syncN) throw new Error(`sync: the counter reads ${seen} right after the write, not ${syncN}`);
    });
    const row = (name: string, l: Latency) => [name, ms(l.p50), ms(l.p99), `${(l.p50 / baseline.p50).toFixed(2)}x`];
    console.log(
      table(
        ['key event round trip (SET, see the INCR)', 'p50 ms', 'p99 ms', 'p50 vs baseline'],
        [
          row('hand-written subscriber (baseline, direct to Redis)', baseline),
          row('gearbox async, SET and GET through the gears server', asyncTrip),
          row('gearbox async, SET and GET straight to Redis', asyncDirect),
          row('gearbox sync, through the gears server', syncTrip),
        ],
      ),
    );
    const added = syncSet.p50 - plainSet.p50;
    console.log(
      `  SET through the gears server: plain p50 ${ms(plainSet.p50)} ms, with a sync registration p50 ${ms(syncSet.p50)} ms: ` +
        `sync adds ${ms(added)} ms (target < 0.5 ms: ${added < 0.5 ? 'met' : 'NOT met'})`,
    );

    // --- sustained rate ------------------------------------------------------------------------
    await client.call('RG.JSEXECUTE', incr('ctr:flood', 'fl:', 'async'));
    await direct.set('ctr:base', 0);
    const baseMs = await flood(
      redis.port,
      'rb:',
      SUSTAINED,
      async () => Number(await direct.get('ctr:base')) >= SUSTAINED,
    );
    const gbMs = await flood(redis.port, 'fl:', SUSTAINED, async () => {
      const s = (await registrationStats(client)).get('fl:*')!;
      return Number(s.numTriggered) + Number(s.numDropped) >= SUSTAINED;
    });
    const sustained = (await registrationStats(client)).get('fl:*')!;
    console.log(
      table(
        [`sustained key events (${SUSTAINED} SETs pipelined to Redis)`, 'events/s', 'vs baseline', 'dropped'],
        [
          ['hand-written subscriber (baseline)', perSecond(SUSTAINED, baseMs), '1.00x', '0'],
          [
            'gearbox async registration',
            perSecond(Number(sustained.numTriggered), gbMs),
            `${(Number(sustained.numTriggered) / gbMs / (SUSTAINED / baseMs)).toFixed(2)}x`,
            String(sustained.numDropped),
          ],
        ],
      ),
    );

    // --- peak RSS under a flood --------------------------------------------------------------
    await client.call('RG.CLEARREGISTRATIONSSTATS');
    const watch = watchMemory(gears.pid);
    const floodMs = await flood(redis.port, 'fl:', FLOOD, async () => {
      const s = (await registrationStats(client)).get('fl:*')!;
      return Number(s.numTriggered) + Number(s.numDropped) >= FLOOD;
    });
    const memory = watch.stop();
    const flooded = (await registrationStats(client)).get('fl:*')!;
    console.log(
      `  flood of ${FLOOD} events: handled ${flooded.numTriggered}, dropped ${flooded.numDropped} (MaxPendingEvents), ` +
        `${(floodMs / 1000).toFixed(1)} s; gears server RSS ${memory.startMb.toFixed(0)} MB at start, peak ` +
        `${(memory.hwmMb ?? memory.sampledPeakMb).toFixed(0)} MB`,
    );
  } finally {
    stopBaseline();
    client.disconnect();
    direct.disconnect();
    await gears.stop();
    await redis.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchEvents().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
