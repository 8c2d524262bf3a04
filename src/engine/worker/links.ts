import { Redis } from 'ioredis';
import type { TransactionLink } from '../../runtime/index.js';
import { installScripts } from '../readers/index.js';
import { redisAddress } from '../redis-address.js';
import { tlsOptionsFor } from '../redis-tls.js';

const READY_TIMEOUT_MS = 3000;

/**
 * A worker's connection. Commands fail rather than queue for ever when Redis is gone. Commands
 * issued in the same tick go out in one write (auto-pipelining): the executions of a batch of
 * events run concurrently, and one write per command cost more than the commands (measured, bench/events.ts).
 */
export function openRedis(url: string, name: string, autoPipelining = false): Redis {
  const redis = new Redis(url, {
    ...tlsOptionsFor(url),
    maxRetriesPerRequest: 1,
    connectionName: name,
    lazyConnect: false,
    enableAutoPipelining: autoPipelining,
  });
  redis.on('error', () => undefined); // surfaced per command; ioredis reconnects by itself
  installScripts(redis);
  return redis;
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

export function transactionLink(redis: Redis): TransactionLink {
  return {
    call: (command, ...args) => redis.call(command, ...(args as string[])),
    async execTransaction(commands) {
      const multi = redis.multi();
      for (const [command, ...args] of commands) multi.call(command, ...(args as string[]));
      const replies = await multi.exec();
      return replies === null ? null : replies.map(([err, value]) => err ?? value);
    },
  };
}
