// Where the event examples run: a private Redis and gears server (`gearbox serve` as a child process) that the
// example starts and stops itself, or, with GEARS_URL and REDIS_URL set, servers you already run. Unlike
// gearsStack (stack.ts), the event examples also need Redis itself (to watch what registrations did behind the
// server) and a gears server they can kill and start again.
import { pathToFileURL } from 'node:url';
import { RedisGears } from 'gearbox';
import { Redis } from 'ioredis';
import { startGearsProcess, startRedis, type GearsProcess, type RedisProcess } from '../../test/support/redis.js';

export interface ExampleStack {
  /** A client of the gears server: ordinary commands go through it to Redis, `gears` has the RG.* ones. */
  readonly gears: RedisGears;
  /** A client straight to Redis. */
  readonly redis: Redis;
  /** Kills the gears server (SIGKILL) and starts it again on the same Redis; false when it is not ours. */
  restartGears(): Promise<boolean>;
  close(): Promise<void>;
}

export async function exampleStack(): Promise<ExampleStack> {
  if (process.env.GEARS_URL && process.env.REDIS_URL) {
    const gears = new RedisGears(process.env.GEARS_URL);
    const redis = new Redis(process.env.REDIS_URL);
    return {
      gears,
      redis,
      restartGears: async () => false,
      async close() {
        gears.disconnect();
        redis.disconnect();
      },
    };
  }
  const server: RedisProcess = await startRedis();
  let process_: GearsProcess = await startGearsProcess(server.url, ['--log-level', 'silent']);
  const redis = new Redis(server.url);
  const gears = new RedisGears(process_.url, { maxRetriesPerRequest: null });
  // while restartGears() runs, the client reconnects; commands wait for the new server
  gears.on('error', () => undefined);
  return {
    gears,
    redis,
    async restartGears() {
      process.kill(process_.pid, 'SIGKILL');
      await process_.stop();
      // same port, so the client's reconnection finds the new server
      process_ = await startGearsProcess(server.url, ['--log-level', 'silent'], process_.port);
      return true;
    },
    async close() {
      gears.disconnect();
      redis.disconnect();
      await process_.stop();
      await server.stop();
    },
  };
}

/** Polls `check` until it holds; examples wait for asynchronous registrations this way. */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs `main` when the file is executed directly (not when a test imports it), printing what it returns. */
export function runIfMain(meta: ImportMeta, main: () => Promise<unknown>): void {
  if (process.argv[1] && meta.url === pathToFileURL(process.argv[1]).href)
    main().then(
      (result) => console.log(result),
      (err: unknown) => {
        console.error(err);
        process.exitCode = 1;
      },
    );
}
