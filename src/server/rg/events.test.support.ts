// Shared by the event tests: a private Redis, an engine and a gears server in front of it, a client
// through the server and one straight to Redis. Named *.test.support.ts so the package does not ship it.
import { after, before, beforeEach } from 'node:test';
import { Redis } from 'ioredis';
import { Engine } from '../../engine/index.js';
import { startRedis, type RedisProcess } from '../../../test/support/redis.js';
import { GearsServer } from '../server.js';
import { syncWriteHooks } from '../write-hooks.js';
import { gearsCommands } from './index.js';

export interface EventStack {
  redis: RedisProcess;
  engine: Engine;
  server: GearsServer;
  /** Through the gears server. */
  client: Redis;
  /** Straight to Redis. */
  direct: Redis;
  port: number;
}

/** One stack per test file; before each test, every registration is removed and Redis flushed. */
export function useEventStack(): EventStack {
  const stack = {} as EventStack;
  before(async () => {
    stack.redis = await startRedis();
    stack.engine = await Engine.start({ redisUrl: stack.redis.url, config: { ExecutionThreads: 2 } });
    stack.server = new GearsServer({
      redisUrl: stack.redis.url,
      port: 0,
      commands: gearsCommands(stack.engine),
      writeHooks: syncWriteHooks(stack.engine.registrations),
    });
    stack.port = (await stack.server.listen()).port;
    stack.client = new Redis(stack.port, '127.0.0.1');
    stack.direct = new Redis(stack.redis.url);
  });
  after(async () => {
    stack.client.disconnect();
    stack.direct.disconnect();
    await stack.server.close();
    await stack.engine.close();
    await stack.redis.stop();
  });
  beforeEach(async () => {
    const regs = stack.engine.registrations.registry.all();
    for (const reg of regs) stack.engine.registrations.unregister(reg.id);
    await Promise.all(regs.map((reg) => reg.queue.settled()));
    await stack.direct.flushall();
  });
  return stack;
}

/** RG.DUMPREGISTRATIONS entries as objects (top level and RegistrationData). */
export interface Dumped {
  readonly [field: string]: unknown;
  readonly data: Record<string, unknown>;
  readonly args: Record<string, unknown>;
}

export async function registrations(call: (...args: string[]) => Promise<unknown>): Promise<Dumped[]> {
  const dump = (await call('RG.DUMPREGISTRATIONS')) as unknown[][];
  return dump.map((entry) => {
    const top: Record<string, unknown> = Object.fromEntries(pairs(entry));
    const data = Object.fromEntries(pairs(top.RegistrationData as unknown[]));
    return { ...top, data, args: Object.fromEntries(pairs(data.args as unknown[])) };
  });
}

function pairs(flat: unknown[]): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([String(flat[i]), flat[i + 1]]);
  return out;
}
