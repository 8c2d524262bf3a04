// Named connections: `connect(client)` sets the default one, `connect(client, { name })` others,
// and pipelines, keyspaces and models pick one by name.
import type { Cluster, Redis } from 'ioredis';
import type { Connection } from './connection.js';
import { IoredisClusterConnection } from './cluster.js';
import { IoredisConnection } from './ioredis.js';
import { NodeRedisConnection, type NodeRedisClient } from './node-redis.js';

/** The name `connect(client)` and `pipeline(body)` use when none is given. */
export const DEFAULT_CONNECTION = 'default';

/**
 * An ioredis Redis or Cluster, described by the methods used rather than by ioredis' classes: a
 * class with private members only matches its own declaration, so naming ioredis 6's `Redis` here
 * would refuse the ioredis 5 client an application holds.
 */
export interface IoredisClient {
  pipeline(...args: any[]): unknown;
  multi(...args: any[]): unknown;
}

export type RedisClient = IoredisClient | NodeRedisClient;

export interface ConnectOptions {
  readonly name?: string;
}

const connections = new Map<string, Connection>();

/** Registers `client` under `name` (the default connection without one), replacing any earlier one. */
export function connect(client: RedisClient, options: ConnectOptions = {}): void {
  connections.set(options.name ?? DEFAULT_CONNECTION, adapt(client));
}

/** Forgets a connection; the client itself stays open (the application owns it). */
export function disconnect(name: string = DEFAULT_CONNECTION): boolean {
  return connections.delete(name);
}

export function connectionNames(): string[] {
  return [...connections.keys()];
}

/** The connection called `name`; the error names it and says how to register it. */
export function getConnection(name: string = DEFAULT_CONNECTION): Connection {
  const found = connections.get(name);
  if (found) return found;
  const known = connections.size
    ? ` (connected: ${[...connections.keys()].map((n) => JSON.stringify(n)).join(', ')})`
    : '';
  if (name === DEFAULT_CONNECTION) {
    throw new Error(`no default Redis connection${known}: call connect(client) first, or pass { name } to pick one`);
  }
  throw new Error(
    `no Redis connection named ${JSON.stringify(name)}${known}: call connect(client, { name: ${JSON.stringify(name)} }) first`,
  );
}

/** Also accepts a ready-made Connection, for clients gearbox has no adapter for. */
export function adapt(client: RedisClient | Connection): Connection {
  const c = client as unknown as Record<string, unknown>;
  if (client && typeof c.execute === 'function' && typeof c.primaries === 'function') return client as Connection;
  if (c && c.isCluster === true && typeof c.nodes === 'function')
    return new IoredisClusterConnection(client as unknown as Cluster);
  if (c && typeof c.pipeline === 'function' && typeof c.multi === 'function')
    return new IoredisConnection(client as unknown as Redis);
  if (c && 'masters' in c && typeof c.multi === 'function') {
    throw new TypeError(
      'connect(client): node-redis cluster clients are not supported yet; pass an ioredis Cluster for a Redis Cluster',
    );
  }
  if (c && typeof c.multi === 'function' && typeof c.sendCommand === 'function') {
    return new NodeRedisConnection(client as unknown as NodeRedisClient);
  }
  throw new TypeError(
    `connect(client): expected an ioredis Redis or Cluster or a node-redis client, got ${
      client === null ? 'null' : typeof client === 'object' ? (client.constructor?.name ?? 'an object') : typeof client
    }`,
  );
}
