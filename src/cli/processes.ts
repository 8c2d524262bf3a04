// Private redis-server and gears server processes for the demo, tests and benchmarks: each on a free loopback port,
// nothing written to disk, stopped by pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisProcess {
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

/** Starts a redis-server on a free loopback port; extra args are passed through (e.g. ['--cluster-enabled', 'yes']). */
export async function startRedis(extraArgs: string[] = [], port?: number): Promise<RedisProcess> {
  const p = port ?? (await freePort());
  // a folder of its own: a SYNC or a cluster writes dump.rdb/nodes.conf there, and a shared folder would
  // let the next private Redis load another one's data at start
  const dir = mkdtempSync(join(tmpdir(), 'gearbox-redis-'));
  const child = spawn(
    'redis-server',
    ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs],
    { stdio: ['ignore', 'ignore', 'inherit'], cwd: dir },
  );
  child.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', (err) =>
      reject(new Error(`cannot start redis-server (${err.message}): install it, e.g. apt-get install redis-server`)),
    );
  });
  await waitForPort(p);
  return { port: p, url: `redis://127.0.0.1:${p}`, pid: child.pid ?? 0, stop: stopper(child) };
}

export interface GearsProcess {
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const CLI = new URL('./main.js', import.meta.url);

/** Starts `gearbox serve` as a child process and waits for its "ready" line. */
export async function startGearsProcess(
  redisUrl: string,
  extraArgs: string[] = [],
  port?: number,
): Promise<GearsProcess> {
  const p = port ?? (await freePort());
  const child = spawn(
    process.execPath,
    [CLI.pathname, 'serve', '--redis', redisUrl, '--port', String(p), ...extraArgs],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    // generous: the server is ready once its execution threads have started and linked to Redis, which
    // takes seconds on a machine busy with other servers starting
    const timer = setTimeout(
      () => reject(new Error(`gearbox serve on port ${p} printed no "ready" line within 60 s`)),
      60_000,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gearbox serve exited with code ${code} before it was ready`));
    });
  });
  child.stdout!.resume();
  return { port: p, url: `redis://127.0.0.1:${p}`, pid: child.pid ?? 0, stop: stopper(child) };
}
