// Batch gear functions (issue 2): gearbox's KeysReader against the best hand-written ioredis code
// and against Lua inside Redis, on one private Redis and one gears server child process.
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import RedisParser from 'redis-parser';
import { startGearsProcess, startRedis } from '../test/support/redis.js';
import {
  encode,
  mixedKeys,
  perSecond,
  pipeRaw,
  race,
  ratio,
  stringKeys,
  table,
  watchMemory,
  rssMb,
  type Contender,
  type MemoryFigures,
  type Timing,
  MILLION_KEYS,
  MILLION_SUM,
  SUM_SOURCE,
} from './support.js';

const STRING_KEYS = MILLION_KEYS;
const STRING_SUM = MILLION_SUM;
const MIXED_KEYS = 200_000;
const RSS_LIMIT_MB = 300;

const REPS = Math.max(1, Number(process.env.BENCH_REPS ?? 5));

// Every record's value is looked at, so the reader must fetch it: a count of records with a value.
const MIXED_SOURCE =
  "GB('KeysReader', 'm:*').map((r) => (r.value !== null && r.type !== null ? 1 : 0)).aggregate(0, (a, r) => a + r, (a, r) => a + r).run()";
const COUNT_SOURCE = "GB('KeysReader', 'k:*').count().run()";

// The same sum in one script inside Redis: SCAN and MGET in Lua. Blocks Redis for the whole run.
const LUA_SUM = `
local cursor = '0'
local sum = 0
repeat
  local r = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
  cursor = r[1]
  local keys = r[2]
  if #keys > 0 then
    local values = redis.call('MGET', unpack(keys))
    for i = 1, #values do sum = sum + tonumber(values[i]) end
  end
until cursor == '0'
return sum`;

// Type and value of each key of a batch, in one call (keys in ARGV). Written out here rather than imported from
// the engine on purpose: the baseline is what a user would hand-write, independent of gearbox's code.
const LUA_TYPED = `
local out = {}
for i = 1, #ARGV do
  local k = ARGV[i]
  local t = redis.call('TYPE', k).ok
  local v = false
  if t == 'string' then v = redis.call('GET', k)
  elseif t == 'hash' then v = redis.call('HGETALL', k)
  elseif t == 'list' then v = redis.call('LRANGE', k, 0, -1)
  elseif t == 'set' then v = redis.call('SMEMBERS', k)
  elseif t == 'zset' then v = redis.call('ZRANGE', k, 0, -1, 'WITHSCORES')
  end
  out[#out + 1] = t
  out[#out + 1] = v
end
return out`;

type Bench = Redis & { readTyped(...keys: string[]): Promise<unknown[]> };

/** The plain loop anyone would write: SCAN a batch, MGET it, add up, repeat. */
async function sumScanMget(redis: Redis): Promise<number> {
  let cursor = '0';
  let sum = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', 'k:*', 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) for (const v of await redis.mget(keys)) if (v !== null) sum += Number(v);
  } while (cursor !== '0');
  return sum;
}

/** The same loop with the next SCAN in flight while a batch's MGET is awaited (for reference). */
async function sumScanMgetOverlapped(redis: Redis): Promise<number> {
  const scan = (cursor: string) => redis.scan(cursor, 'MATCH', 'k:*', 'COUNT', 2000);
  let sum = 0;
  let next = scan('0');
  let pending: Promise<Array<string | null>> | undefined;
  const add = (values: Array<string | null>) => {
    for (const v of values) if (v !== null) sum += Number(v);
  };
  for (;;) {
    const [cursor, keys] = await next;
    if (cursor !== '0') next = scan(cursor);
    const fetched = keys.length > 0 ? redis.mget(keys) : undefined;
    if (pending) add(await pending);
    pending = fetched;
    if (cursor === '0') break;
  }
  if (pending) add(await pending);
  return sum;
}

/**
 * The overlapped loop again, on a raw socket with pre-encoded commands and redis-parser instead of a
 * client library (for reference: what the Node side costs when no client sits in between).
 */
async function sumRawSocket(port: number): Promise<number> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  const waiting: Array<{ resolve: (v: unknown) => void; reject: (e: Error) => void }> = [];
  const parser = new RedisParser({
    returnReply: (reply) => waiting.shift()!.resolve(reply),
    returnError: (err) => waiting.shift()!.reject(err),
  });
  socket.on('data', (chunk: Buffer) => parser.execute(chunk));
  const send = <T>(args: string[]) =>
    new Promise<T>((resolve, reject) => {
      waiting.push({ resolve: resolve as (v: unknown) => void, reject });
      socket.write(encode(args));
    });
  const scan = (cursor: string) => send<[string, string[]]>(['SCAN', cursor, 'MATCH', 'k:*', 'COUNT', '2000']);
  let sum = 0;
  const add = (values: Array<string | null>) => {
    for (const v of values) if (v !== null) sum += Number(v);
  };
  try {
    let next = scan('0');
    let pending: Promise<Array<string | null>> | undefined;
    for (;;) {
      const [cursor, keys] = await next;
      if (cursor !== '0') next = scan(cursor);
      const fetched = keys.length > 0 ? send<Array<string | null>>(['MGET', ...keys]) : undefined;
      if (pending) add(await pending);
      pending = fetched;
      if (cursor === '0') break;
    }
    if (pending) add(await pending);
  } finally {
    socket.destroy();
  }
  return sum;
}

async function scanAll(redis: Redis, pattern: string, onBatch: (keys: string[]) => Promise<number>): Promise<number> {
  let cursor = '0';
  let records = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) records += await onBatch(keys);
  } while (cursor !== '0');
  return records;
}

/** Mixed types, approach A: SCAN, one pipeline of TYPE, one pipeline of the per-type read. */
function readPipelinedTypes(redis: Redis): Promise<number> {
  return scanAll(redis, 'm:*', async (keys) => {
    const typeOf = redis.pipeline();
    for (const k of keys) typeOf.type(k);
    const types = (await typeOf.exec())!;
    const reads = redis.pipeline();
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      switch (types[i][1]) {
        case 'string':
          reads.get(k);
          break;
        case 'hash':
          reads.hgetall(k);
          break;
        case 'list':
          reads.lrange(k, 0, -1);
          break;
        case 'set':
          reads.smembers(k);
          break;
        case 'zset':
          reads.zrange(k, '0', '-1', 'WITHSCORES');
          break;
        default:
          reads.exists(k);
      }
    }
    let records = 0;
    for (const [err, value] of (await reads.exec())!) if (!err && value !== null) records++;
    return records;
  });
}

/** Mixed types, approach B: one Lua call per SCAN batch returning type and value of each key. */
function readLuaBatch(redis: Bench): Promise<number> {
  return scanAll(redis, 'm:*', async (keys) => {
    const reply = await redis.readTyped(...keys);
    let records = 0;
    for (let i = 0; i < reply.length; i += 2) if (reply[i] !== 'none' && reply[i + 1] !== null) records++;
    return records;
  });
}

/** Mixed types, approach C: MGET for the strings, the Lua call only for the keys MGET answered nil. */
function readMgetThenLua(redis: Bench): Promise<number> {
  return scanAll(redis, 'm:*', async (keys) => {
    const values = await redis.mget(keys);
    const others: string[] = [];
    let records = 0;
    for (let i = 0; i < keys.length; i++) {
      if (values[i] === null) others.push(keys[i]);
      else records++;
    }
    if (others.length > 0) {
      const reply = await redis.readTyped(...others);
      for (let i = 0; i < reply.length; i += 2) if (reply[i] !== 'none' && reply[i + 1] !== null) records++;
    }
    return records;
  });
}

/** RG.JSEXECUTE's reply for a run(): [[results...], [errors...]]; the single result, checked for no errors. */
async function gearsRun(gears: Redis, source: string): Promise<string> {
  const [results, errors] = (await gears.call('RG.JSEXECUTE', source)) as [unknown[], unknown[]];
  if (errors.length > 0) throw new Error(`gear function errors: ${errors.slice(0, 3).join('; ')}`);
  if (results.length !== 1) throw new Error(`expected one result, got ${JSON.stringify(results).slice(0, 200)}`);
  return String(results[0]);
}

const expect = (expected: string) => (name: string, result: unknown) => {
  if (String(result) !== expected) throw new Error(`${name}: expected ${expected}, got ${String(result)}`);
};

export interface BatchFigures {
  readonly sum: Map<string, Timing>;
  readonly mixed: Map<string, Timing>;
  readonly rss: MemoryFigures & { readonly idleMb: number };
}

export async function benchBatch(): Promise<BatchFigures> {
  console.log(`\n## Batch gear functions (issue 2): medians of ${REPS} runs after one warm-up\n`);
  const server = await startRedis();
  const gearsProcess = await startGearsProcess(server.url).catch(async (err) => {
    await server.stop();
    throw err;
  });
  const redis = new Redis(server.url) as Bench;
  redis.defineCommand('readTyped', { numberOfKeys: 0, lua: LUA_TYPED });
  const gears = new Redis(gearsProcess.url);
  const idleMb = rssMb(gearsProcess.pid);
  try {
    // 1. Sum of 1,000,000 string values.
    let t = performance.now();
    await pipeRaw(server.port, stringKeys('k:', STRING_KEYS));
    console.log(`loaded ${STRING_KEYS} string keys in ${Math.round(performance.now() - t)} ms`);
    const sum = await race(
      [
        { name: 'gearbox KeysReader map+aggregate', run: () => gearsRun(gears, SUM_SOURCE) },
        { name: 'hand-written SCAN 1000 + MGET', run: () => sumScanMget(redis) },
        { name: 'hand-written, overlapped SCAN 2000 + MGET', run: () => sumScanMgetOverlapped(redis) },
        { name: 'raw socket + redis-parser, overlapped', run: () => sumRawSocket(server.port) },
        { name: 'Lua script inside Redis', run: () => redis.eval(LUA_SUM, 0, 'k:*') },
      ],
      REPS,
      expect(String(STRING_SUM)),
    );
    printSum(sum);

    // 3. Peak memory of the gears server while it counts the same keys.
    await gearsRun(gears, COUNT_SOURCE); // warm
    const watch = watchMemory(gearsProcess.pid, 50);
    for (let i = 0; i < 3; i++) expect(String(STRING_KEYS))('count', await gearsRun(gears, COUNT_SOURCE));
    const rss = { ...watch.stop(), idleMb };
    printRss(rss);

    // 2. Every record of 200,000 mixed-type keys.
    await redis.flushall();
    t = performance.now();
    await pipeRaw(server.port, mixedKeys('m:', MIXED_KEYS));
    console.log(`\nloaded ${MIXED_KEYS} mixed-type keys in ${Math.round(performance.now() - t)} ms`);
    const contenders: Contender[] = [
      { name: 'gearbox KeysReader, value touched', run: () => gearsRun(gears, MIXED_SOURCE) },
      { name: 'hand-written SCAN + pipelined TYPE + reads', run: () => readPipelinedTypes(redis) },
      { name: 'hand-written SCAN + Lua per batch', run: () => readLuaBatch(redis) },
      { name: 'hand-written SCAN + MGET + Lua for the rest', run: () => readMgetThenLua(redis) },
    ];
    const mixed = await race(contenders, REPS, expect(String(MIXED_KEYS)));
    printMixed(mixed);
    return { sum, mixed, rss };
  } finally {
    redis.disconnect();
    gears.disconnect();
    await gearsProcess.stop();
    await server.stop();
  }
}

function printSum(sum: Map<string, Timing>): void {
  const gearbox = sum.get('gearbox KeysReader map+aggregate')!.medianMs;
  const hand = sum.get('hand-written SCAN 1000 + MGET')!.medianMs;
  const lua = sum.get('Lua script inside Redis')!.medianMs;
  console.log(`\nSum of ${STRING_KEYS} string values (= ${STRING_SUM}):\n`);
  console.log(
    table(
      ['approach', 'median ms', 'keys/s', 'gearbox / this'],
      [...sum.values()].map((s) => [
        s.name,
        s.medianMs.toFixed(0),
        perSecond(STRING_KEYS, s.medianMs),
        ratio(s.medianMs, gearbox),
      ]),
    ),
  );
  const verdict = hand / gearbox >= 1 ? 'ok' : 'BELOW the hand-written loop';
  console.log(
    `\ngearbox / hand-written: ${ratio(hand, gearbox)} (${verdict}); gearbox / Lua: ${ratio(lua, gearbox)} (speed ratios)`,
  );
}

function printRss(rss: BatchFigures['rss']): void {
  const peak = Math.max(rss.sampledPeakMb, rss.hwmMb ?? 0);
  console.log(
    `\nGears server memory during GB('KeysReader','k:*').count().run() over ${STRING_KEYS} keys (3 runs):` +
      `\n  RSS idle after start ${rss.idleMb.toFixed(0)} MB, before the count runs ${rss.startMb.toFixed(0)} MB` +
      `\n  peak during the count runs: VmRSS sampled every 50 ms ${rss.sampledPeakMb.toFixed(0)} MB, ` +
      `VmHWM ${rss.hwmMb === undefined ? 'n/a' : `${rss.hwmMb.toFixed(0)} MB`}` +
      ` -> ${peak < RSS_LIMIT_MB ? 'ok' : 'OVER'} (limit ${RSS_LIMIT_MB} MB)` +
      `\n  peak over the server's life so far (sum runs included): VmHWM ${rss.lifetimeHwmMb.toFixed(0)} MB`,
  );
}

function printMixed(mixed: Map<string, Timing>): void {
  const all = [...mixed.values()];
  const gearbox = all[0].medianMs;
  const best = all.slice(1).reduce((a, b) => (b.medianMs < a.medianMs ? b : a));
  console.log(`\nEvery record, with type and value, of ${MIXED_KEYS} mixed-type keys:\n`);
  console.log(
    table(
      ['approach', 'median ms', 'records/s', 'gearbox / this'],
      all.map((s) => [
        s.name + (s === best ? ' (best)' : ''),
        s.medianMs.toFixed(0),
        perSecond(MIXED_KEYS, s.medianMs),
        ratio(s.medianMs, gearbox),
      ]),
    ),
  );
  console.log(`\ngearbox / best hand-written: ${ratio(best.medianMs, gearbox)}`);
}
