// The client (issue 7, "Speed"): what RedisGears' typed methods add over sending the same commands
// by hand with ioredis, and RG.TRIGGER beside the in-Redis yardstick, the same small function as a
// Redis Function (FUNCTION LOAD of a Lua library, then FCALL). Latencies are measured interleaved,
// one call of each contender per round, so drift on a shared machine hits all of them alike.
import { Redis } from 'ioredis';
import { command, GB, RedisGears, toSource } from 'gearbox';
import { startGearsProcess, startRedis } from '../test/support/redis.js';
import { table } from './support.js';

const ROUNDS = Number(process.env.BENCH_CLIENT ?? 3000);

type Contender = readonly [name: string, once: () => Promise<unknown>];

interface Latency {
  readonly p50: number;
  readonly p99: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

async function interleaved(contenders: readonly Contender[], rounds: number): Promise<Map<string, Latency>> {
  const samples = contenders.map(() => [] as number[]);
  for (let round = -200; round < rounds; round++) {
    for (let c = 0; c < contenders.length; c++) {
      const started = performance.now();
      await contenders[c]![1]();
      if (round >= 0) samples[c]!.push(performance.now() - started);
    }
  }
  return new Map(
    contenders.map(([name], c) => {
      const sorted = samples[c]!.sort((a, b) => a - b);
      return [name, { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) }];
    }),
  );
}

const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;

function report(title: string, figures: Map<string, Latency>, baseline: string): void {
  const base = figures.get(baseline)!;
  console.log(`\n${title}`);
  console.log(
    table(
      ['contender', 'p50', 'p99', 'p50 ratio', 'p99 ratio'],
      [...figures].map(([name, l]) => [
        name,
        us(l.p50),
        us(l.p99),
        `${(l.p50 / base.p50).toFixed(2)}x`,
        `${(l.p99 / base.p99).toFixed(2)}x`,
      ]),
    ),
  );
}

const LUA_LIBRARY = `#!lua name=benchlib
redis.register_function('add', function(keys, args) return tonumber(args[1]) + tonumber(args[2]) end)`;

export async function benchClient(): Promise<void> {
  const redis = await startRedis();
  const gears = await startGearsProcess(redis.url, ['--log-level', 'warn']);
  const client = new RedisGears(gears.url);
  const byHand = new Redis(gears.port);
  // Redis' default user has no password, so it takes any: the session has credentials, reads need no probe
  const authed = new Redis({ port: gears.port, username: 'default', password: 'any' });
  const plain = new Redis(redis.port);
  try {
    console.log(`\n== client (${ROUNDS} calls each, interleaved)`);
    // jsexecute of a trivial function: the object serialised and the reply parsed, each call
    const trivial = GB('ShardsIDReader').count().run();
    const source = toSource(trivial);
    report(
      'gears.jsexecute(fn) against RG.JSEXECUTE of the same source by hand (ioredis call)',
      await interleaved(
        [
          ['ioredis call (baseline)', () => byHand.call('RG.JSEXECUTE', source)],
          ['gears.jsexecute(fn)', () => client.gears.jsexecute(trivial)],
        ],
        ROUNDS,
      ),
      'ioredis call (baseline)',
    );

    // command() against RG.TRIGGER by hand, on the same registration
    const add = command((a: string, b: string) => Number(a) + Number(b), { on: client, trigger: 'add' });
    await add.ready;
    await plain.call('FUNCTION', 'LOAD', 'REPLACE', LUA_LIBRARY);
    report(
      'command() call against RG.TRIGGER by hand, and the in-Redis yardstick FCALL (straight to Redis)',
      await interleaved(
        [
          ['FCALL add (yardstick)', () => plain.call('FCALL', 'add', 0, 1, 2)],
          // what a trigger pays for, piece by piece: a command the gears server relays to Redis, one
          // it answers itself after checking the client's rights with Redis (an ACL probe, a PING, as
          // RG.TRIGGER's is an FCALL), the same without the probe (a client that authenticated needs
          // none to read), then the trigger (probe, server, worker thread and back)
          ['PING through the gears server', () => byHand.call('PING')],
          ['RG.JSSTATS (probe + server)', () => byHand.call('RG.JSSTATS')],
          ['RG.JSSTATS authenticated (server only)', () => authed.call('RG.JSSTATS')],
          ['RG.TRIGGER by hand', () => byHand.call('RG.TRIGGER', 'add', '1', '2')],
          ['command() call', () => add('1', '2')],
        ],
        ROUNDS,
      ),
      'FCALL add (yardstick)',
    );
  } finally {
    client.disconnect();
    byHand.disconnect();
    authed.disconnect();
    plain.disconnect();
    await gears.stop();
    await redis.stop();
  }
}
