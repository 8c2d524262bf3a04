// Helpers for the batch benchmarks: loading data fast, repeating measurements, printing tables,
// watching a process' memory.
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';

/** One RESP command, pre-encoded. */
export function encode(args: Array<string | number>): string {
  let out = `*${args.length}\r\n`;
  for (const a of args) {
    const s = String(a);
    out += `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
  }
  return out;
}

/**
 * Sends pre-encoded commands on a raw socket and waits for their replies. Every command given here
 * must answer a one-line reply (+OK, :n), so counting line ends counts replies; an error reply fails.
 */
export async function pipeRaw(port: number, commands: Iterable<string>): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  let expected = 0;
  let seen = 0;
  let failure: Error | undefined;
  let done: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) seen++;
    if (!failure && /(^|\n)-/.test(chunk.toString('latin1')))
      failure = new Error(`Redis answered an error: ${chunk.toString().slice(0, 200)}`);
    if (done && seen >= expected) done();
  });
  let buffer = '';
  for (const command of commands) {
    buffer += command;
    expected++;
    if (buffer.length > 1 << 20) {
      if (!socket.write(buffer)) await new Promise((r) => socket.once('drain', r));
      buffer = '';
    }
  }
  if (buffer) socket.write(buffer);
  if (seen < expected) await new Promise<void>((resolve) => (done = resolve));
  socket.destroy();
  if (failure) throw failure;
}

/** `k:0 .. k:(n-1)`, value `i % 100`, written with MSET in groups of 1000. */
export function* stringKeys(prefix: string, n: number): Generator<string> {
  for (let start = 0; start < n; start += 1000) {
    const args: Array<string | number> = ['MSET'];
    for (let i = start; i < Math.min(n, start + 1000); i++) args.push(`${prefix}${i}`, i % 100);
    yield encode(args);
  }
}

/** n keys, one fifth each of string, hash (3 fields), list (5 items), set (5 members), zset (5 members). */
export function* mixedKeys(prefix: string, n: number): Generator<string> {
  for (let i = 0; i < n; i++) {
    const key = `${prefix}${i}`;
    switch (i % 5) {
      case 0:
        yield encode(['SET', key, i]);
        break;
      case 1:
        yield encode(['HSET', key, 'a', i, 'b', 'bee', 'c', i * 2]);
        break;
      case 2:
        yield encode(['RPUSH', key, 'x1', 'x2', 'x3', 'x4', i]);
        break;
      case 3:
        yield encode(['SADD', key, 's1', 's2', 's3', 's4', i]);
        break;
      default:
        yield encode(['ZADD', key, 1, 'z1', 2, 'z2', 3, 'z3', 4, 'z4', 5, `z${i}`]);
    }
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface Contender {
  readonly name: string;
  /** Runs once over the data and returns the number of items handled (checked by the caller's `check`). */
  readonly run: () => Promise<unknown>;
}

export interface Timing {
  readonly name: string;
  readonly ms: number[];
  readonly medianMs: number;
}

/**
 * Runs every contender `reps` times, round-robin (so drift on a shared machine hits all alike),
 * after one warm-up round; `check` validates each result.
 */
export async function race(
  contenders: Contender[],
  reps: number,
  check: (name: string, result: unknown) => void,
): Promise<Map<string, Timing>> {
  const ms = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let round = -1; round < reps; round++) {
    for (const c of contenders) {
      const t = performance.now();
      const result = await c.run();
      const elapsed = performance.now() - t;
      check(c.name, result);
      if (round >= 0) ms.get(c.name)!.push(elapsed);
    }
  }
  return new Map(
    [...ms].map(([name, list]) => [name, { name, ms: list, medianMs: median(list) } satisfies Timing] as const),
  );
}

/** A plain text table, columns padded; first column left-aligned, the rest right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const perSecond = (items: number, ms: number) => `${Math.round(items / (ms / 1000) / 1000)} k/s`;
export const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]);
}

export interface MemoryFigures {
  readonly sampledPeakMb: number;
  readonly hwmMb: number | undefined;
  readonly startMb: number;
  readonly lifetimeHwmMb: number;
}

/** VmRSS of a process now, in MB. */
export const rssMb = (pid: number) => statusKb(pid, 'VmRSS') / 1024;

export interface MemoryWatch {
  /**
   * Stops sampling; returns in MB the largest VmRSS sample, VmHWM (peak since the reset), VmRSS at the
   * start and the lifetime VmHWM read before the reset.
   */
  stop(): MemoryFigures;
}

/**
 * Samples VmRSS of `pid` every `everyMs` (threads share the process, so worker threads count too).
 * Resets the kernel's high-water mark first (clear_refs 5), so VmHWM covers this window only.
 */
export function watchMemory(pid: number, everyMs = 50): MemoryWatch {
  const lifetimeHwmKb = statusKb(pid, 'VmHWM');
  let hwmReset = true;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    hwmReset = false;
  }
  const startKb = statusKb(pid, 'VmRSS');
  let peakKb = startKb;
  const timer = setInterval(() => {
    peakKb = Math.max(peakKb, statusKb(pid, 'VmRSS'));
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      peakKb = Math.max(peakKb, statusKb(pid, 'VmRSS'));
      return {
        sampledPeakMb: peakKb / 1024,
        hwmMb: hwmReset ? statusKb(pid, 'VmHWM') / 1024 : undefined,
        startMb: startKb / 1024,
        lifetimeHwmMb: lifetimeHwmKb / 1024,
      };
    },
  };
}

/** CPU time (user + system) a process has used so far, in ms; Linux reports it in USER_HZ ticks of 10 ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // after the command name: state is field 3, utime field 14, stime field 15
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The million-key sum both the batch and the cluster benches run: keys k:0..k:999999 hold i % 100. */
export const MILLION_KEYS = 1_000_000;
export const MILLION_SUM = 49_500_000;
export const SUM_SOURCE =
  "GB('KeysReader', 'k:*').map((r) => Number(r.value)).aggregate(0, (a, r) => a + r, (a, r) => a + r).run()";
