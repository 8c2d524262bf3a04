export {
  GearsCluster,
  refuseReplica,
  type ClusterInfo,
  type ClusterOptions,
  type ShardExecution,
  type ShardInfo,
} from './gears-cluster.js';
export { parseClusterNodes, SlotMap, type Shard, type Topology } from './topology.js';
export type { ListedExecution } from './messages.js';
