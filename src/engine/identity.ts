import type { Redis } from 'ioredis';

/** RedisGears' shard id outside a cluster: forty zeros. */
export const STANDALONE_SHARD_ID = '0'.repeat(40);

export interface ShardIdentity {
  readonly shardId: string;
  readonly clusterMode: boolean;
}

/** A cluster shard is named by its Redis Cluster node id (40 hex characters), as in RedisGears. */
export async function readIdentity(redis: Redis): Promise<ShardIdentity> {
  const info = String(await redis.info('cluster'));
  if (!/cluster_enabled:1/.test(info)) return { shardId: STANDALONE_SHARD_ID, clusterMode: false };
  return { shardId: String(await redis.call('CLUSTER', 'MYID')), clusterMode: true };
}
