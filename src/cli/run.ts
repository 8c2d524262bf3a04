import { readFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { ProgressLine } from './progress.js';

export interface RunOptions {
  readonly eval?: string;
  readonly server: string;
  readonly password?: string;
  readonly json?: boolean;
  readonly progress: boolean;
}

const POLL_MS = 300;

/** records_read from RG.GETEXECUTION's reply (gearbox adds it after RedisGears' fields). */
function progressOf(reply: unknown): { status: string; recordsRead: number } {
  const plan = ((reply as unknown[])[0] as unknown[])[3] as unknown[];
  const field = (name: string) => plan[plan.indexOf(name) + 1];
  return { status: String(field('status')), recordsRead: Number(field('records_read') ?? 0) };
}

async function sourceOf(file: string | undefined, options: RunOptions): Promise<string> {
  if (options.eval !== undefined) return options.eval;
  if (!file) throw new Error('give a file with the gear function, or its source with -e');
  return readFile(file, 'utf8');
}

/** `gearbox run`: sends the source UNBLOCKING, shows progress while it runs, prints results and errors. */
export async function runCommand(file: string | undefined, options: RunOptions): Promise<void> {
  const source = await sourceOf(file, options);
  const redis = new Redis(options.server, { password: options.password, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect().catch((err: Error) => {
      throw new Error(
        `cannot reach the gears server at ${options.server} (${err.message}): start one with 'gearbox serve'`,
      );
    });
    const id = String(await redis.call('RG.JSEXECUTE', source, 'UNBLOCKING'));
    const progress = new ProgressLine(options.progress !== false && process.stderr.isTTY === true);
    const timer = setInterval(() => {
      redis
        .call('RG.GETEXECUTION', id)
        .then((reply) => {
          const { status, recordsRead } = progressOf(reply);
          progress.update(recordsRead, status);
        })
        .catch(() => undefined);
    }, POLL_MS);
    let reply: unknown;
    try {
      reply = await redis.call('RG.GETRESULTSBLOCKING', id);
    } finally {
      clearInterval(timer);
      progress.clear();
    }
    await redis.call('RG.DROPEXECUTION', id).catch(() => undefined);
    const [results, errors] = reply as [unknown[], string[]];
    if (options.json) console.log(JSON.stringify({ results, errors }, null, 2));
    else {
      for (const result of results) console.log(result);
      for (const error of errors) console.error(`error: ${error}`);
    }
    if (errors.length > 0) process.exitCode = 1;
  } catch (err) {
    console.error(`gearbox run: ${(err as Error).message}`);
    process.exitCode = 1;
  } finally {
    redis.disconnect();
  }
}
