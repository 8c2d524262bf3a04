// Proxy benchmark: redis-benchmark against Redis directly (the baseline), through a gears server,
// through a hand-written Node relay (bench/node-relay.ts: the floor for a proxy on Node), and through
// twemproxy (`nutcracker`, when installed; its row is skipped otherwise), in one run with the runs
// interleaved so drift on a shared machine hits every target alike. Ratios are to Redis direct.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { freePort, startGearsProcess, startRedis, waitForPort } from '../test/support/redis.js';

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_REPS ?? 3);

interface Scenario {
  readonly name: string;
  readonly args: string[];
  /** Pipelined scenarios are judged against twemproxy's ratio, unpipelined ones against 0.8. */
  readonly pipelined: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: '-c 50', args: ['-c', '50', '-n', '100000'], pipelined: false },
  { name: '-c 50 -P 16', args: ['-c', '50', '-n', '400000', '-P', '16'], pipelined: true },
  { name: '-c 500', args: ['-c', '500', '-n', '100000'], pipelined: false },
];

interface Result {
  readonly rps: number;
  readonly p50: number;
}

/** One redis-benchmark run of SET and GET; its CSV has rps and p50 per test. */
async function benchmark(port: number, args: string[]): Promise<Record<'SET' | 'GET', Result>> {
  const { stdout } = await run(
    'redis-benchmark',
    ['-h', '127.0.0.1', '-p', String(port), '-t', 'set,get', '-r', '100000', '--csv', ...args],
    { timeout: 300_000 },
  );
  const out: Partial<Record<'SET' | 'GET', Result>> = {};
  for (const line of stdout.trim().split('\n').slice(1)) {
    const cells = line.split(',').map((c) => c.replace(/"/g, ''));
    const test = cells[0] as 'SET' | 'GET';
    out[test] = { rps: Number(cells[1]), p50: Number(cells[4]) };
  }
  if (!out.SET || !out.GET) throw new Error(`redis-benchmark printed no SET/GET figures: ${stdout.slice(0, 200)}`);
  return out as Record<'SET' | 'GET', Result>;
}

async function hasNutcracker(): Promise<boolean> {
  try {
    await run('nutcracker', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/** twemproxy in front of the same Redis, one server connection as its default. */
async function startNutcracker(redisPort: number, dir: string): Promise<{ port: number; stop(): void }> {
  const port = await freePort();
  const stats = await freePort();
  const conf = join(dir, 'nutcracker.yml');
  await writeFile(
    conf,
    `gb:\n  listen: 127.0.0.1:${port}\n  redis: true\n  hash: fnv1a_64\n  distribution: ketama\n  auto_eject_hosts: false\n  servers:\n   - 127.0.0.1:${redisPort}:1\n`,
  );
  const child: ChildProcess = spawn(
    'nutcracker',
    ['-c', conf, '-s', String(stats), '-o', join(dir, 'nutcracker.log')],
    {
      stdio: 'ignore',
    },
  );
  await waitForPort(port);
  return { port, stop: () => child.kill() };
}

/** The hand-written Node relay (bench/node-relay.ts) in front of the same Redis. */
async function startNodeRelay(redisPort: number): Promise<{ port: number; stop(): void }> {
  const port = await freePort();
  const script = fileURLToPath(new URL('./node-relay.js', import.meta.url));
  const child = spawn(process.execPath, [script, String(redisPort), String(port)], { stdio: 'ignore' });
  await waitForPort(port);
  return { port, stop: () => child.kill() };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchProxy(): Promise<void> {
  console.log('\n## Proxy: redis-benchmark SET/GET (median of %d runs; ratio = target / Redis direct)\n', RUNS);
  const redis = await startRedis();
  const gears = await startGearsProcess(redis.url, ['--log-level', 'warn']);
  const dir = await mkdtemp(join(tmpdir(), 'gearbox-bench-'));
  const twem = (await hasNutcracker()) ? await startNutcracker(redis.port, dir) : null;
  const relay = await startNodeRelay(redis.port);
  const targets: Array<[string, number]> = [
    ['Redis direct', redis.port],
    ['gearbox serve', gears.port],
    ['Node relay (bench/node-relay.ts)', relay.port],
  ];
  if (twem) targets.push(['twemproxy (nutcracker)', twem.port]);
  else console.log('(nutcracker not installed: its row is skipped; apt-get install nutcracker)');
  try {
    for (const scenario of SCENARIOS) {
      const samples = new Map(targets.map(([name]) => [name, { SET: [] as Result[], GET: [] as Result[] }]));
      for (const [, port] of targets) await benchmark(port, ['-c', '50', '-n', '20000']); // warm-up
      for (let i = 0; i < RUNS; i++) {
        for (const [name, port] of targets) {
          const r = await benchmark(port, scenario.args);
          samples.get(name)!.SET.push(r.SET);
          samples.get(name)!.GET.push(r.GET);
        }
      }
      const figure = (name: string, test: 'SET' | 'GET'): Result => {
        const s = samples.get(name)![test];
        return { rps: median(s.map((x) => x.rps)), p50: median(s.map((x) => x.p50)) };
      };
      console.log(`redis-benchmark ${scenario.name}`);
      console.log('| target | SET ops/s | ratio | p50 ms | GET ops/s | ratio | p50 ms |');
      console.log('|---|---|---|---|---|---|---|');
      for (const [name] of targets) {
        const cells = (['SET', 'GET'] as const).map((t) => {
          const r = figure(name, t);
          const base = figure('Redis direct', t);
          return `${Math.round(r.rps).toLocaleString('en-US')} | ${(r.rps / base.rps).toFixed(2)} | ${r.p50.toFixed(3)}`;
        });
        console.log(`| ${name} | ${cells.join(' | ')} |`);
      }
      const verdict = (['SET', 'GET'] as const).map((t) => {
        const g = figure('gearbox serve', t);
        const d = figure('Redis direct', t);
        if (scenario.pipelined) {
          if (!twem) return `${t}: ${(g.rps / d.rps).toFixed(2)}x direct`;
          const tw = figure('twemproxy (nutcracker)', t);
          return `${t}: ${(g.rps / d.rps).toFixed(2)}x direct vs twemproxy ${(tw.rps / d.rps).toFixed(2)}x (target: at least twemproxy's)`;
        }
        return `${t}: ${(g.rps / d.rps).toFixed(2)}x direct (target 0.80), p50 +${(g.p50 - d.p50).toFixed(3)} ms (target +0.200)`;
      });
      console.log(`\n${verdict.join('; ')}\n`);
    }
  } finally {
    twem?.stop();
    relay.stop();
    await gears.stop();
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchProxy();
