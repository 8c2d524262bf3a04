import { Redis } from 'ioredis';
import type { TransactionLink } from '../../runtime/index.js';
import { installScripts } from '../readers/index.js';
import { reconnectDelay } from '../reconnect.js';
import { redisAddress } from '../redis-address.js';
import { tlsOptionsFor } from '../redis-tls.js';

const READY_TIMEOUT_MS = 3000;

/**
 * A worker's connection. Commands fail rather than queue for ever when Redis is gone. Commands
 * issued in the same tick go out in one write (auto-pipelining): the executions of a batch of
 * events run concurrently, and one write per command cost more than the commands (measured, bench/events.ts).
 *
 * Its setup sends only what it needs (HELLO, and CLIENT SETNAME so that CLIENT LIST tells the
 * engine's links apart): a thread respawned after an abort, or a link opened when a function first
 * needs it, connects while clients are served, and whatever it sends shows in their MONITOR and
 * SLOWLOG. No INFO ready check: the engine admits an execution only once its own link passed that
 * check (Engine.check, src/engine/redis-health.ts), and no CLIENT SETINFO, which Redis before 7.2
 * answers with an error that counts in its error statistics.
 */
export function openRedis(url: string, name: string, autoPipelining = false): Redis {
  const redis = new Redis(url, {
    ...tlsOptionsFor(url),
    maxRetriesPerRequest: 1,
    connectionName: name,
    lazyConnect: false,
    enableAutoPipelining: autoPipelining,
    enableReadyCheck: false,
    disableClientInfo: true,
    retryStrategy: reconnectDelay,
  });
  redis.on('error', () => undefined); // surfaced per command; ioredis reconnects by itself
  installScripts(redis);
  return redis;
}

/**
 * Resolves once the link's first attempt to connect has settled: ready, or failed (Redis down or
 * refusing; ioredis goes on retrying), or READY_TIMEOUT_MS passed without either.
 */
export function linkSettled(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise<void>((resolve) => {
    const settle = () => {
      clearTimeout(timer);
      redis.off('ready', settle);
      redis.off('error', settle);
      redis.off('end', settle);
      resolve();
    };
    const timer = setTimeout(settle, READY_TIMEOUT_MS);
    redis.once('ready', settle);
    redis.once('error', settle);
    redis.once('end', settle);
  });
}

export async function ensureReady(redis: Redis, url: string): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`cannot reach Redis at ${redisAddress(url)} (${redis.status}): start Redis or check --redis`));
    }, READY_TIMEOUT_MS);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}

/** `link` opens the connection on first use: most functions never call atomic(). */
export function transactionLink(link: () => Redis): TransactionLink {
  return {
    call: (command, ...args) => link().call(command, ...(args as string[])),
    async execTransaction(commands) {
      const multi = link().multi();
      for (const [command, ...args] of commands) multi.call(command, ...(args as string[]));
      const replies = await multi.exec();
      return replies === null ? null : replies.map(([err, value]) => err ?? value);
    },
  };
}
