// Gear functions across a Redis Cluster (issue 8): the same jobs on one primary and on three, with
// the same data, in one run. The single primary, a plain gears server, is the baseline; the figure
// is the speed-up. Also the bytes that move between shards per record read, for a countby (partial
// counts repartitioned) against a plan that collects every word to one shard first.
import { availableParallelism, loadavg } from 'node:os';
import calculateSlot from 'cluster-key-slot';
import { Redis } from 'ioredis';
import { startCluster } from '../test/support/cluster.js';
import { startGearsProcess, startRedis, type GearsProcess } from '../test/support/redis.js';
import {
  cpuMs,
  encode,
  median,
  MILLION_KEYS,
  MILLION_SUM,
  perSecond,
  pipeRaw,
  race,
  ratio,
  SUM_SOURCE,
  table,
  type Timing,
} from './support.js';

const KEYS = MILLION_KEYS;
const SUM = MILLION_SUM;
const SENTENCES = 200_000;
const WORDS_PER_SENTENCE = 8;
const REPS = Math.max(1, Number(process.env.BENCH_REPS ?? 3));

const WORDCOUNT_SOURCE = "GB('KeysReader', 's:*').flatmap((r) => r.value.split(' ')).countby().run()";
// the same answer with every word brought to the originating shard before counting
const COLLECT_ALL_SOURCE =
  "GB('KeysReader', 's:*').flatmap((r) => r.value.split(' ')).collect().localgroupby((w) => w, (k, a) => (a ?? 0) + 1).run()";

/** A vocabulary of 2,000 words, used with a skew (a few frequent words, a long tail) as text is. */
function sentence(i: number): string {
  const words: string[] = [];
  for (let w = 0; w < WORDS_PER_SENTENCE; w++) {
    const x = (i * 7919 + w * 104729) % 1_000_003;
    const rank = Math.floor(2000 * Math.pow(x / 1_000_003, 3));
    words.push(`w${rank}`);
  }
  return words.join(' ');
}

function* dataset(): Generator<[string, string]> {
  for (let i = 0; i < KEYS; i++) yield [`k:${i}`, String(i % 100)];
  for (let i = 0; i < SENTENCES; i++) yield [`s:${i}`, sentence(i)];
}

/** Loads the dataset, each key on the primary that serves its slot, with pipelined SETs. */
async function load(owner: (slot: number) => number, ports: number[]): Promise<void> {
  const perNode: string[][] = ports.map(() => []);
  for (const [key, value] of dataset()) perNode[owner(calculateSlot(key))].push(encode(['SET', key, value]));
  await Promise.all(ports.map((port, i) => pipeRaw(port, perNode[i])));
}

interface Setup {
  readonly name: string;
  readonly client: Redis;
  readonly gears: GearsProcess[];
  /** The redis-server processes, for their CPU time. */
  readonly redisPids: number[];
  stop(): Promise<void>;
}

async function single(): Promise<Setup> {
  const redis = await startRedis();
  await load(() => 0, [redis.port]);
  const gears = await startGearsProcess(redis.url, ['--log-level', 'error']);
  const client = new Redis(gears.url);
  return {
    name: '1 primary',
    client,
    gears: [gears],
    redisPids: [redis.pid],
    async stop() {
      client.disconnect();
      await gears.stop();
      await redis.stop();
    },
  };
}

async function three(): Promise<Setup> {
  const cluster = await startCluster();
  const ranges: Array<[number, number, number]> = [];
  for (const [i, node] of cluster.nodes.entries()) {
    const link = new Redis(node.port);
    const nodes = String(await link.call('CLUSTER', 'NODES'));
    link.disconnect();
    const mine = nodes.split('\n').find((l) => l.includes('myself'))!;
    for (const field of mine.trim().split(' ').slice(8)) {
      const [from, to] = field.split('-').map(Number);
      ranges.push([from, to ?? from, i]);
    }
  }
  await load(
    (slot) => ranges.find(([from, to]) => slot >= from && slot <= to)![2],
    cluster.nodes.map((n) => n.port),
  );
  const gears: GearsProcess[] = [];
  for (const node of cluster.nodes)
    gears.push(await startGearsProcess(`redis://127.0.0.1:${node.port}`, ['--log-level', 'error']));
  const client = new Redis(gears[0].url);
  return {
    name: '3 primaries',
    client,
    gears,
    redisPids: cluster.processes.map((p) => p.pid),
    async stop() {
      client.disconnect();
      await Promise.all(gears.map((g) => g.stop()));
      await cluster.stop();
    },
  };
}

type Reply = [unknown[], unknown[]];

async function execute(client: Redis, source: string): Promise<unknown[]> {
  const [results, errors] = (await client.call('RG.JSEXECUTE', source)) as Reply;
  if (errors.length > 0) throw new Error(`the benchmark function failed: ${String(errors[0])}`);
  return results;
}

/** Bytes and records moved between shards by one run of `source`, over the records it read. */
async function moved(client: Redis, source: string): Promise<{ bytes: number; records: number; read: number }> {
  const id = String(await client.call('RG.JSEXECUTE', source, 'UNBLOCKING'));
  await client.call('RG.GETRESULTSBLOCKING', id);
  const plans = (await client.call('RG.GETEXECUTION', id, 'CLUSTER')) as unknown[][];
  let bytes = 0;
  let records = 0;
  let read = 0;
  for (const plan of plans) {
    const fields = plan[3] as unknown[];
    const field = (name: string) => Number(fields[fields.indexOf(name) + 1]);
    bytes += field('bytes_moved');
    records += field('records_moved');
    read += field('records_read');
  }
  return { bytes, records, read };
}

const wordCounts = (results: unknown[]) =>
  results
    .map((r) => JSON.parse(String(r)) as { key: string; value: number })
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .map((r) => `${r.key}=${r.value}`)
    .join(',');

export async function benchCluster(): Promise<void> {
  console.log(
    `\n## Cluster: ${KEYS.toLocaleString('en')}-key sum and a word count over ${SENTENCES.toLocaleString('en')} sentences, 1 vs 3 primaries (${REPS} reps, medians)\n`,
  );
  // both set-ups stay up and the contenders take turns (race() is round-robin), so load from anything else on
  // the machine falls on both alike
  const setups = [await single(), await three()];
  let timings: Map<string, Timing>;
  let traffic: Array<[string, { bytes: number; records: number; read: number }]>;
  let expectedWords: string | undefined;
  // CPU time of the Redis and gears server processes per run, to tell what each shard costs apart
  // from how the two cores were shared
  const cpu = new Map<string, Array<{ redis: number; gears: number; busiest: number }>>();
  const measured = (name: string, setup: Setup, source: string) => ({
    name,
    async run() {
      const redisPids = setup.redisPids;
      const pids = [...redisPids, ...setup.gears.map((g) => g.pid)];
      const before = pids.map(cpuMs);
      const result = await execute(setup.client, source);
      const used = pids.map((pid, i) => cpuMs(pid) - before[i]);
      const total = (from: number, to: number) => used.slice(from, to).reduce((a, b) => a + b, 0);
      const runs = cpu.get(name) ?? [];
      runs.push({
        redis: total(0, redisPids.length),
        gears: total(redisPids.length, pids.length),
        busiest: Math.max(...used),
      });
      cpu.set(name, runs);
      return result;
    },
  });
  const started = loadAverage();
  try {
    timings = await race(
      setups.flatMap((setup) => [
        measured(`sum ${setup.name}`, setup, SUM_SOURCE),
        measured(`wordcount ${setup.name}`, setup, WORDCOUNT_SOURCE),
      ]),
      REPS,
      (name, result) => {
        const results = result as unknown[];
        if (name.startsWith('sum') && Number(results[0]) !== SUM) throw new Error(`sum: got ${String(results[0])}`);
        if (name.startsWith('wordcount')) {
          const counts = wordCounts(results);
          expectedWords ??= counts;
          if (counts !== expectedWords) throw new Error('the word counts differ between 1 and 3 primaries');
        }
      },
    );
    traffic = [
      ['countby (partial counts repartitioned)', await moved(setups[1].client, WORDCOUNT_SOURCE)],
      ['collect every word, then count', await moved(setups[1].client, COLLECT_ALL_SOURCE)],
    ];
  } finally {
    for (const setup of setups) await setup.stop();
  }
  const ended = loadAverage();
  const wall = (name: string) => timings.get(name)!.medianMs;
  const row = (job: string, items: number) => {
    const a = wall(`${job} 1 primary`);
    const b = wall(`${job} 3 primaries`);
    return [job, `${Math.round(a)} ms`, `${Math.round(b)} ms`, perSecond(items, b), `**${ratio(a, b)}**`];
  };
  console.log(
    table(
      ['job', '1 primary', '3 primaries', 'records/s (3)', 'speed-up'],
      [row('sum', KEYS), row('wordcount', SENTENCES)],
    ),
  );
  console.log('\nCPU time per run (medians; the warm-up left out), summed over the processes of each set-up:\n');
  const cpuOf = (name: string, field: 'redis' | 'gears' | 'busiest') =>
    median(
      cpu
        .get(name)!
        .slice(1)
        .map((run) => run[field]),
    );
  const cpuRow = (name: string, shards: number) => {
    const redis = cpuOf(name, 'redis');
    const gears = cpuOf(name, 'gears');
    return [
      name,
      `${Math.round(wall(name))} ms`,
      `${Math.round(redis)} ms`,
      `${Math.round(gears)} ms`,
      `${Math.round((redis + gears) / shards)} ms`,
      `${Math.round(cpuOf(name, 'busiest'))} ms`,
      ((redis + gears) / wall(name)).toFixed(2),
    ];
  };
  console.log(
    table(
      ['job', 'wall', 'redis-server CPU', 'gears server CPU', 'CPU per shard', 'busiest process', 'cores busy'],
      ['sum', 'wordcount'].flatMap((job) => [cpuRow(`${job} 1 primary`, 1), cpuRow(`${job} 3 primaries`, 3)]),
    ),
  );
  // with a core for every process, a run takes at least as long as its busiest process needs the CPU
  const bound = (job: string) => ratio(cpuOf(`${job} 1 primary`, 'busiest'), cpuOf(`${job} 3 primaries`, 'busiest'));
  console.log(
    `\nwith a core per process (the busiest process bounds a run): sum ${bound('sum')}, wordcount ${bound('wordcount')} (an estimate from CPU time)`,
  );
  console.log('\nbetween shards, per record read (3 primaries):\n');
  console.log(
    table(
      ['plan', 'records moved', 'bytes moved', 'bytes / record read'],
      traffic.map(([name, t]) => [
        name,
        t.records.toLocaleString('en'),
        t.bytes.toLocaleString('en'),
        (t.bytes / t.read).toFixed(2),
      ]),
    ),
  );
  const speedUp = (job: string) => ratio(wall(`${job} 1 primary`), wall(`${job} 3 primaries`));
  console.log(
    `\n3 primaries vs 1 (target at least 1.30x): sum ${speedUp('sum')}, wordcount ${speedUp('wordcount')}; ` +
      `${availableParallelism()} cores, load average ${started} at the start, ${ended} at the end`,
  );
}

const loadAverage = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
