// How a RedisGears client given one node finds out it talks to a cluster, and the Redis Cluster
// client it then routes keyed commands through. A gears server of a cluster answers RG.INFOCLUSTER
// with every shard's primary and the address of the gears server beside it; Redis Cluster itself
// (CLUSTER SLOTS, MOVED) names only the primaries, so the client maps each primary to its gears
// server (ioredis' natMap) and keyed commands keep passing through gears servers, where write hooks
// such as sync registrations see them. A plain Redis Cluster node (no gears server) gives a plain
// cluster client.
import { Cluster, type RedisOptions } from 'ioredis';
import { parseClusterInfo } from './replies/parse.js';

interface Address {
  readonly host: string;
  readonly port: number;
}

/** What the client knows of the node it was given, and how to ask it one command. */
export interface NodeAccess {
  readonly options: RedisOptions;
  call(command: string, ...args: string[]): Promise<unknown>;
}

function parseAddress(text: string): Address {
  const colon = text.lastIndexOf(':');
  return { host: text.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: Number(text.slice(colon + 1)) };
}

const key = (address: Address) => `${address.host}:${address.port}`;

/** A Redis error reply (the command exists nowhere, say) rather than a connection that failed. */
const isReplyError = (err: unknown) => (err as Error)?.name === 'ReplyError';

/** The seeds and primary-to-gears-server map of the cluster the node belongs to; null outside a cluster. */
async function discover(
  node: NodeAccess,
  self: Address,
): Promise<{ seeds: Address[]; natMap?: Record<string, Address> } | null> {
  let reply: unknown;
  try {
    reply = await node.call('RG.INFOCLUSTER');
  } catch (err) {
    if (!isReplyError(err)) throw err;
    // not a gears server: a Redis Cluster node is enough for a plain cluster client
    const info = String(await node.call('INFO', 'cluster'));
    return /cluster_enabled:1/.test(info) ? { seeds: [self] } : null;
  }
  const info = parseClusterInfo(reply);
  if (!info) return null;
  const natMap: Record<string, Address> = {};
  for (const shard of info.shards) {
    // the node this client was given is its own shard's gears server, whatever it announced
    const gears = shard.id === info.my_id ? self : shard.gearsAddress ? parseAddress(shard.gearsAddress) : undefined;
    if (gears) natMap[key({ host: shard.ip, port: shard.port })] = gears;
  }
  return { seeds: [self, ...Object.values(natMap).filter((a) => key(a) !== key(self))], natMap };
}

/** The options of a node's connection that every cluster connection needs too. */
function connectionOptions(options: RedisOptions): RedisOptions {
  const { username, password, tls, connectTimeout, commandTimeout, maxRetriesPerRequest, connectionName } = options;
  return { username, password, tls, connectTimeout, commandTimeout, maxRetriesPerRequest, connectionName };
}

/** A Redis Cluster client for the cluster `node` belongs to, or null when it is a standalone server. */
export async function clusterOf(node: NodeAccess): Promise<Cluster | null> {
  const self = { host: node.options.host ?? '127.0.0.1', port: node.options.port ?? 6379 };
  const found = await discover(node, self);
  if (!found) return null;
  const cluster = new Cluster(found.seeds, { natMap: found.natMap, redisOptions: connectionOptions(node.options) });
  cluster.on('error', () => undefined); // surfaced per command, as on the node's own connection
  return cluster;
}

/** The address of the gears server (or plain node) serving `slot`, as the cluster client knows it. */
export function slotAddress(cluster: Cluster, slot: number | null): string | undefined {
  return slot === null ? undefined : cluster.slots[slot]?.[0];
}
