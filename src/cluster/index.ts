export {
  GearsCluster,
  checkRole,
  type ClusterInfo,
  type ClusterOptions,
  type ShardExecution,
  type ShardInfo,
} from './gears-cluster.js';
export { standbyRefusal, type RedisRole } from './role.js';
export { parseClusterNodes, SlotMap, type Shard, type Topology } from './topology.js';
export type { ListedExecution } from './messages.js';
