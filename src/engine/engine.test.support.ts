// Shared setup of the engine's tests: a private redis-server, an embedded Engine on it, and a plain
// client for seeding and checking data. Named *.test.support.ts so the package does not ship it.
import assert from 'node:assert/strict';
import { after, before, beforeEach } from 'node:test';
import { Redis } from 'ioredis';
import { startRedis, type RedisProcess } from '../../test/support/redis.js';
import type { ConfigValue } from './config.js';
import { Engine, type ExecuteOptions } from './engine.js';

export interface Harness {
  readonly server: RedisProcess;
  readonly engine: Engine;
  readonly client: Redis;
  /** Runs a blocking source and returns its results and errors. */
  run(source: string): Promise<{ results: unknown[]; errors: string[] }>;
  /** Runs a blocking source and returns its results, asserting no errors. */
  results(source: string): Promise<unknown[]>;
  execute(source: string, options?: ExecuteOptions): ReturnType<Engine['execute']>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(config: Record<string, ConfigValue> = {}): Promise<Harness> {
  const server = await startRedis();
  const engine = await Engine.start({ redisUrl: server.url, config: { ExecutionThreads: 2, ...config } });
  const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
  // tests stop Redis under it: its reconnection errors are expected, not a log line for npm test's output
  client.on('error', () => undefined);
  const run = async (source: string) => {
    const outcome = await engine.execute(source);
    assert.equal(outcome.kind, 'results');
    if (outcome.kind !== 'results') throw new Error('unreachable');
    return { results: outcome.results, errors: outcome.errors };
  };
  return {
    server,
    engine,
    client,
    run,
    async results(source) {
      const { results, errors } = await run(source);
      assert.deepEqual(errors, []);
      return results;
    },
    execute: (source, options) => engine.execute(source, options),
    async flush() {
      await client.flushall();
    },
    async close() {
      await engine.close();
      client.disconnect();
      await server.stop();
    },
  };
}

/** Results that are JSON texts (convertToStr of objects), parsed. */
export function parsed(results: unknown[]): unknown[] {
  return results.map((r) => JSON.parse(String(r)));
}

/**
 * One harness per test file: started before the file's tests, closed after them, and reset before
 * each test with `reset` (default: FLUSHALL). The returned object stands for the harness once started.
 */
export function useHarness(reset: (h: Harness) => Promise<void> = (h) => h.flush()): Harness {
  let current: Harness | undefined;
  before(async () => {
    current = await startHarness();
  });
  after(async () => {
    await current?.close();
  });
  beforeEach(async () => {
    if (current) await reset(current);
  });
  return new Proxy({} as Harness, {
    get(_target, property) {
      if (!current) throw new Error('the test harness is used before its before() hook ran');
      const value = (current as unknown as Record<PropertyKey, unknown>)[property];
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}
