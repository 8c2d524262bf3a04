// RG.INFOCLUSTER's content, in RedisGears' shape: every primary with its slots, its gears server's run
// id and the messages waiting to be sent to it, plus where clients reach its gears server.
import { readAddresses } from './addresses.js';
import { readRunIds, type KeyReader } from './presence.js';
import { highestSlot, lowestSlot, type Topology } from './topology.js';

export interface ShardInfo {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly runId: string | null;
  readonly minSlot: number;
  readonly maxSlot: number;
  readonly pendingMessages: number;
  /** host:port where clients reach this shard's gears server (gearbox's addition to RedisGears' shape). */
  readonly gearsAddress: string | null;
}

export interface ClusterInfo {
  readonly myId: string;
  readonly myRunId: string;
  readonly shards: readonly ShardInfo[];
}

export async function clusterInfo(
  { shards, myId }: Topology,
  reader: KeyReader,
  myRunId: string,
  pendingTo: (shardId: string) => number,
): Promise<ClusterInfo> {
  const [runIds, addresses] = await Promise.all([readRunIds(reader, shards), readAddresses(reader, shards)]);
  return {
    myId,
    myRunId,
    shards: shards.map((s) => ({
      id: s.id,
      host: s.host,
      port: s.port,
      runId: runIds.get(s.id) ?? null,
      minSlot: lowestSlot(s),
      maxSlot: highestSlot(s),
      pendingMessages: pendingTo(s.id),
      gearsAddress: addresses.get(s.id) ?? null,
    })),
  };
}
