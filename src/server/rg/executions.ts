import type { Engine } from '../../engine/index.js';
import type { CommandHandler } from '../commands.js';
import { ok, wrongArity } from '../resp/reply.js';
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

/** RG.DUMPEXECUTIONS: executionId, status, registered for each listed execution. */
export const dumpexecutions =
  (engine: Engine): CommandHandler =>
  () =>
    engine.executions.list().map((e) => ['executionId', e.id, 'status', e.status, 'registered', e.registered ? 1 : 0]);

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
