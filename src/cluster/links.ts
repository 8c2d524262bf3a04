import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { reconnectDelay } from '../engine/index.js';
import type { Shard } from './topology.js';

/** The credentials and TLS of the server's Redis URL, for connections to the other primaries. */
export function connectionOptions(redisUrl: string): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  const url = new URL(redisUrl);
  return {
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    tls: url.protocol === 'rediss:' ? {} : undefined,
  };
}

/** A connection to the local primary; commands fail instead of queueing while Redis is away. */
export function localLink(redisUrl: string, name: string): Redis {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, connectionName: name, retryStrategy: reconnectDelay });
  redis.on('error', () => undefined); // surfaced per command; ioredis reconnects by itself
  return redis;
}

/**
 * A Redis Cluster client: a key lands on the primary serving its slot, MOVED and ASK included. This is
 * the only way records and messages travel between shards: as keys on the shard that owns them.
 */
export function clusterLink(redisUrl: string, shards: readonly Pick<Shard, 'host' | 'port'>[], name: string): Cluster {
  const cluster = new Cluster(
    shards.map(({ host, port }) => ({ host, port })),
    {
      redisOptions: { ...connectionOptions(redisUrl), connectionName: name, maxRetriesPerRequest: 1 },
      enableOfflineQueue: true,
      slotsRefreshTimeout: 2000,
    },
  );
  cluster.on('error', () => undefined); // surfaced per command
  return cluster;
}
