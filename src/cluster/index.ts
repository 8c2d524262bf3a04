export { GearsCluster } from './gears-cluster.js';
export type { ClusterInfo, ShardInfo } from './info.js';
export type { ClusterOptions } from './membership.js';
export type { ShardExecution } from './queries.js';
export { checkRole, standbyRefusal, type RedisRole } from './role.js';
export { parseClusterNodes, SlotMap, type Shard, type Topology } from './topology.js';
export type { ListedExecution } from './messages.js';
