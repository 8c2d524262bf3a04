// Pipelines benchmark: gearbox's deferred-result pipelines against the plain client doing the same
// work, in the same run (absolute figures move a lot on shared machines; the ratios are what count).
import { pathToFileURL } from 'node:url';
import calculateSlot from 'cluster-key-slot';
import { Cluster, Redis } from 'ioredis';
import { createClient } from 'redis';
import { startRedis } from '../test/support/redis.js';
import { startCluster } from '../test/support/cluster.js';
import { connect, disconnect, pipeline, type DeferredResult, type Pipeline } from '../src/pipeline/index.js';

const TOTAL = 100_000;
const BATCH = 1_000;
const RUNS = 5;
const KEYS = 1_000;

interface Row {
  readonly name: string;
  readonly opsPerSecond: number;
}

async function measure(run: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return TOTAL / seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs each workload RUNS times, interleaved so drift on the machine hits all of them alike. */
async function compare(workloads: Record<string, () => Promise<void>>): Promise<Row[]> {
  const samples = new Map<string, number[]>(Object.keys(workloads).map((name) => [name, []]));
  for (const run of Object.values(workloads)) await run(); // warm-up: JIT and connections
  for (let i = 0; i < RUNS; i++) {
    for (const [name, run] of Object.entries(workloads)) samples.get(name)!.push(await measure(run));
  }
  return [...samples].map(([name, values]) => ({ name, opsPerSecond: median(values) }));
}

const key = (i: number): string => `bench:${i % KEYS}`;

async function plainIoredis(client: Redis): Promise<void> {
  for (let done = 0; done < TOTAL; done += BATCH) {
    const pipe = client.pipeline();
    for (let i = 0; i < BATCH; i++) pipe.incr(key(done + i));
    const results = await pipe.exec();
    if (!results || results.length !== BATCH) throw new Error('ioredis pipeline lost replies');
  }
}

/** 1000 INCRs queued three pipelines deep, each with a DeferredResult, read after execution. */
async function gearboxNested(name?: string): Promise<void> {
  for (let done = 0; done < TOTAL; done += BATCH) {
    const refs = await pipeline(
      (p1: Pipeline) =>
        pipeline(p1, (p2) =>
          pipeline(p2, (p3) => {
            const out: DeferredResult<number>[] = new Array(BATCH);
            for (let i = 0; i < BATCH; i++) out[i] = p3.incr(key(done + i));
            return out;
          }),
        ),
      { name },
    ).promise;
    if (typeof refs[BATCH - 1]!.result !== 'number') throw new Error('gearbox lost replies');
  }
}

/** The cluster baseline: group by owning primary by hand, one ioredis pipeline per node, results back in order. */
async function clusterByHand(cluster: Cluster): Promise<void> {
  const byKey = new Map(cluster.nodes('master').map((n) => [`${n.options.host}:${n.options.port}`, n]));
  for (let done = 0; done < TOTAL; done += BATCH) {
    const groups = new Map<string, number[]>();
    for (let i = 0; i < BATCH; i++) {
      const owner = cluster.slots[calculateSlot(key(done + i))]![0]!;
      let group = groups.get(owner);
      if (!group) groups.set(owner, (group = []));
      group.push(i);
    }
    const results: unknown[] = new Array(BATCH);
    await Promise.all(
      [...groups].map(async ([owner, positions]) => {
        const pipe = byKey.get(owner)!.pipeline();
        for (const i of positions) pipe.incr(key(done + i));
        const replies = (await pipe.exec())!;
        positions.forEach((position, j) => (results[position] = replies[j]![1]));
      }),
    );
    if (typeof results[BATCH - 1] !== 'number') throw new Error('hand-made cluster pipeline lost replies');
  }
}

function table(title: string, rows: readonly Row[], baseline: string): string {
  const base = rows.find((r) => r.name === baseline)!.opsPerSecond;
  const width = Math.max(...rows.map((r) => r.name.length));
  const lines = rows.map(
    (r) =>
      `  ${r.name.padEnd(width)}  ${Math.round(r.opsPerSecond).toLocaleString('en-US').padStart(9)} ops/s  ` +
      `${(r.opsPerSecond / base).toFixed(2)}x`,
  );
  return [`${title} (median of ${RUNS}, ${TOTAL.toLocaleString('en-US')} INCR in batches of ${BATCH})`, ...lines].join(
    '\n',
  );
}

export async function benchPipeline(): Promise<void> {
  const server = await startRedis();
  const ioredis = new Redis(server.port, '127.0.0.1');
  const nodeRedis = createClient({ url: server.url });
  await nodeRedis.connect();
  connect(ioredis);
  connect(nodeRedis, { name: 'node-redis' });
  let single: Row[];
  try {
    single = await compare({
      'ioredis pipeline (baseline)': () => plainIoredis(ioredis),
      'gearbox on ioredis, nested 3 deep': () => gearboxNested(),
      'gearbox on node-redis, nested 3 deep': () => gearboxNested('node-redis'),
    });
  } finally {
    disconnect();
    disconnect('node-redis');
    ioredis.disconnect();
    await nodeRedis.quit();
    await server.stop();
  }

  const clusterProcess = await startCluster();
  const cluster = new Cluster(clusterProcess.nodes.map((n) => ({ host: n.host, port: n.port })));
  let clustered: Row[];
  try {
    await cluster.ping();
    connect(cluster, { name: 'cluster' });
    clustered = await compare({
      'per-node ioredis pipelines by hand (baseline)': () => clusterByHand(cluster),
      'gearbox cluster pipeline, nested 3 deep': () => gearboxNested('cluster'),
    });
  } finally {
    disconnect('cluster');
    cluster.disconnect();
    await clusterProcess.stop();
  }

  console.log(table('Pipelines, one Redis', single, 'ioredis pipeline (baseline)'));
  const ratio = single[1]!.opsPerSecond / single[0]!.opsPerSecond;
  console.log(`  gearbox / ioredis: ${ratio.toFixed(2)} (target >= 0.90: ${ratio >= 0.9 ? 'met' : 'NOT met'})`);
  console.log(
    table('Pipelines, Redis Cluster of 3 primaries', clustered, 'per-node ioredis pipelines by hand (baseline)'),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchPipeline().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
