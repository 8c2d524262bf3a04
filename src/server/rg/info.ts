import type { GearsCluster } from '../../cluster/index.js';
import type { Engine } from '../../engine/index.js';
import type { CommandHandler } from '../commands.js';
import { ok } from '../resp/reply.js';
import { replying } from './values.js';

/** RG.JSSTATS: the JavaScript runtime's memory, as RG.PYSTATS reports Python's. */
export const jsstats =
  (engine: Engine): CommandHandler =>
  () =>
    Object.entries(engine.stats()).flat();

/** RG.JSDUMPREQS: the requirements installed for functions, in RG.PYDUMPREQS' shape. */
export const jsdumpreqs =
  (engine: Engine): CommandHandler =>
  () =>
    engine.requirements
      .list()
      .map((r) => [
        'GearReqVersion',
        1,
        'Name',
        r.spec,
        'IsDownloaded',
        r.installed ? 'yes' : 'no',
        'IsInstalled',
        r.installed ? 'yes' : 'no',
        'CompiledOs',
        `${process.platform}-${process.arch}`,
        'Wheels',
        [],
      ]);

/** RG.INFOCLUSTER in RedisGears 1.2's shape; outside a cluster, RedisGears answers the bulk string 'no cluster mode'. */
export const infocluster =
  (_engine: Engine, cluster?: GearsCluster): CommandHandler =>
  () =>
    replying(async () => {
      const info = cluster?.enabled ? await cluster.info() : null;
      if (!info) return 'no cluster mode';
      return [
        'MyId',
        info.myId,
        'MyRunId',
        info.myRunId,
        info.shards.map((s) => [
          'id',
          s.id,
          'ip',
          s.host,
          'port',
          s.port,
          'unixSocket',
          'None',
          'runid',
          s.runId,
          'minHslot',
          s.minSlot,
          'maxHslot',
          s.maxSlot,
          'pendingMessages',
          s.pendingMessages,
          // gearbox's addition: where clients reach that shard's gears server (Redis Cluster names only primaries)
          'gearsAddress',
          s.gearsAddress,
        ]),
      ];
    });

/** RG.REFRESHCLUSTER: reads the cluster's topology from Redis again. */
export const refreshcluster =
  (_engine: Engine, cluster?: GearsCluster): CommandHandler =>
  () =>
    replying(async () => {
      if (cluster?.enabled) await cluster.refresh();
      return ok();
    });
