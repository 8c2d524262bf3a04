import type { Redis } from 'ioredis';
import { tagForSlot } from '../runtime/index.js';

/** RedisGears' shard id outside a cluster: forty zeros. */
export const STANDALONE_SHARD_ID = '0'.repeat(40);

export interface ShardIdentity {
  readonly shardId: string;
  readonly clusterMode: boolean;
  /**
   * In a cluster, `{tag}` of this shard's lowest slot: gearbox's own keys of this shard carry it, so
   * Redis stores them here (empty outside a cluster).
   */
  readonly keyTag: string;
}

/** The hash tag of the lowest slot the `myself` line of CLUSTER NODES serves; empty when it serves none. */
function myKeyTag(nodes: string): string {
  const mine = nodes.split('\n').find((line) => line.split(' ')[2]?.split(',').includes('myself'));
  const slots = (mine?.trim().split(' ').slice(8) ?? []).filter((f) => !f.startsWith('[')).map((f) => parseInt(f, 10));
  return slots.length ? `{${tagForSlot(Math.min(...slots))}}` : '';
}

/** A cluster shard is named by its Redis Cluster node id (40 hex characters), as in RedisGears. */
export async function readIdentity(redis: Redis): Promise<ShardIdentity> {
  const info = String(await redis.info('cluster'));
  if (!/cluster_enabled:1/.test(info)) return { shardId: STANDALONE_SHARD_ID, clusterMode: false, keyTag: '' };
  const keyTag = myKeyTag(String(await redis.call('CLUSTER', 'NODES')));
  return { shardId: String(await redis.call('CLUSTER', 'MYID')), clusterMode: true, keyTag };
}
