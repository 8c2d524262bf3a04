import { standbyRefusal, type GearsCluster } from '../../cluster/index.js';
import type { Engine } from '../../engine/index.js';
import type { CommandHandler, CommandTable } from '../commands.js';
import { ErrorReply } from '../resp/reply.js';
import { configget, configset } from './config.js';
import { abortexecution, dropexecution, dumpexecutions, getresults, getresultsblocking } from './executions.js';
import { getexecution } from './getexecution.js';
import { infocluster, jsdumpreqs, jsstats, refreshcluster } from './info.js';
import { jsexecute } from './jsexecute.js';
import {
  clearregistrationsstats,
  dumpregistrations,
  pauseregistrations,
  unpauseregistrations,
  unregister,
} from './registrations.js';
import { trigger, triggeronkey } from './trigger.js';

// In a cluster, the commands that span shards go through the cluster layer (src/cluster).
const COMMANDS: Record<string, (engine: Engine, cluster?: GearsCluster) => CommandHandler> = {
  'rg.jsexecute': jsexecute,
  'rg.getresults': getresults,
  'rg.getresultsblocking': getresultsblocking,
  'rg.dumpexecutions': dumpexecutions,
  'rg.dropexecution': dropexecution,
  'rg.abortexecution': abortexecution,
  'rg.getexecution': getexecution,
  'rg.configget': configget,
  'rg.configset': configset,
  'rg.jsstats': jsstats,
  'rg.jsdumpreqs': jsdumpreqs,
  'rg.infocluster': infocluster,
  'rg.refreshcluster': refreshcluster,
  'rg.dumpregistrations': dumpregistrations,
  'rg.unregister': unregister,
  'rg.pauseregistrations': pauseregistrations,
  'rg.unpauseregistrations': unpauseregistrations,
  'rg.clearregistrationsstats': clearregistrationsstats,
  'rg.trigger': trigger,
  'rg.triggeronkey': triggeronkey,
};

/**
 * What a stand-by gears server (beside a replica) refuses, as a replica refuses writes: commands that
 * run functions, which may write, or change registrations, which only the primary's server fires.
 * Reading executions, registrations, the configuration and the cluster works there.
 */
const WRITING: ReadonlySet<string> = new Set([
  'rg.jsexecute',
  'rg.unregister',
  'rg.pauseregistrations',
  'rg.unpauseregistrations',
  'rg.trigger',
  'rg.triggeronkey',
]);

function refusedOnStandby(handler: CommandHandler, cluster: GearsCluster): CommandHandler {
  return (args, ctx) => {
    const primary = cluster.standingBy;
    if (primary !== undefined) throw new ErrorReply(standbyRefusal(primary));
    return handler(args, ctx);
  };
}

/** The RG.* commands of a gears server, bound to its engine (and its place in a cluster, if any). */
export function gearsCommands(engine: Engine, cluster?: GearsCluster): CommandTable {
  return new Map(
    Object.entries(COMMANDS).map(([name, make]) => {
      const handler = make(engine, cluster);
      return [name, cluster && WRITING.has(name) ? refusedOnStandby(handler, cluster) : handler];
    }),
  );
}
