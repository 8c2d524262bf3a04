import type { GearsCluster, ListedExecution } from '../../cluster/index.js';
import type { Engine } from '../../engine/index.js';
import type { CommandHandler } from '../commands.js';
import { ok, wrongArity } from '../resp/reply.js';
import { locality } from './locality.js';
import { replying, resultsAndErrors, text } from './values.js';

/** RG.GETRESULTS <id> */
export const getresults =
  (engine: Engine): CommandHandler =>
  (args) => {
    if (args.length < 1) throw wrongArity('rg.getresults');
    return replying(() => {
      const execution = engine.results(text(args[0]));
      return resultsAndErrors(execution.results, execution.errors);
    });
  };

/** RG.GETRESULTSBLOCKING <id>: waits for the execution, stops waiting if the client leaves. */
export const getresultsblocking =
  (engine: Engine): CommandHandler =>
  (args, ctx) => {
    if (args.length !== 1) throw wrongArity('rg.getresultsblocking');
    return replying(async () => {
      const execution = await engine.resultsBlocking(text(args[0]), ctx.signal);
      return resultsAndErrors(execution.results, execution.errors);
    });
  };

/**
 * RG.DUMPEXECUTIONS [SHARD|CLUSTER]: executionId, status, registered for each listed execution.
 * CLUSTER lists every shard's, once per id: a distributed execution is running while any shard
 * runs its part, and aborted when any shard's part was.
 */
export const dumpexecutions =
  (engine: Engine, cluster?: GearsCluster): CommandHandler =>
  (args) => {
    if (args.length > 1) throw wrongArity('rg.dumpexecutions');
    const whole = locality('RG.DUMPEXECUTIONS', args[0], cluster) === 'CLUSTER';
    return replying(async () => {
      const mine = engine.executions.list().map((e) => ({ id: e.id, status: e.status, registered: e.registered }));
      const all = whole ? mergeExecutions([mine, ...(await cluster!.peerExecutions())]) : mine;
      return all.map((e) => ['executionId', e.id, 'status', e.status, 'registered', e.registered ? 1 : 0]);
    });
  };

const STATUS_RANK: Record<string, number> = { aborted: 3, running: 2, created: 1 };

function mergeExecutions(shards: ReadonlyArray<readonly ListedExecution[]>): ListedExecution[] {
  const byId = new Map<string, ListedExecution>();
  for (const e of shards.flat()) {
    const seen = byId.get(e.id);
    if (!seen || (STATUS_RANK[e.status] ?? 0) > (STATUS_RANK[seen.status] ?? 0)) byId.set(e.id, e);
  }
  return [...byId.values()];
}

/** RG.DROPEXECUTION <id> */
export const dropexecution =
  (engine: Engine): CommandHandler =>
  (args) => {
    if (args.length !== 1) throw wrongArity('rg.dropexecution');
    return replying(() => {
      engine.drop(text(args[0]));
      return ok();
    });
  };

/** RG.ABORTEXECUTION <id>: ends the execution's thread; its status becomes aborted. */
export const abortexecution =
  (engine: Engine): CommandHandler =>
  (args) => {
    if (args.length !== 1) throw wrongArity('rg.abortexecution');
    return replying(async () => {
      const id = text(args[0]);
      engine.abort(id);
      await engine.find(id, 'execution does not exist').whenFinished();
      return ok();
    });
  };
