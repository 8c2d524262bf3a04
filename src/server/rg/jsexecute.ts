import type { GearsCluster } from '../../cluster/index.js';
import type { Engine } from '../../engine/index.js';
import type { CommandHandler } from '../commands.js';
import { ErrorReply, ok, wrongArity } from '../resp/reply.js';
import { replying, resultsAndErrors, text } from './values.js';

interface ExecuteArgs {
  readonly source: string;
  readonly unblocking: boolean;
  readonly requirements: string[];
  readonly session?: string;
  readonly upgrade: boolean;
}

export function parseExecuteArgs(args: Buffer[]): ExecuteArgs {
  const requirements: string[] = [];
  let unblocking = false;
  let upgrade = false;
  let session: string | undefined;
  for (let i = 1; i < args.length; i++) {
    const word = text(args[i]).toUpperCase();
    if (word === 'UNBLOCKING') unblocking = true;
    else if (word === 'UPGRADE') upgrade = true;
    else if (word === 'ID') {
      session = text(args[++i]);
      if (i >= args.length || session === '')
        throw new ErrorReply('ERR RG.JSEXECUTE ... ID needs a session name: ID <name>');
    } else if (word === 'REQUIREMENTS') {
      requirements.push(...args.slice(i + 1).map(text));
      break;
    } else
      throw new ErrorReply(
        `ERR unknown argument '${text(args[i])}' to RG.JSEXECUTE: expected UNBLOCKING, ID <name>, UPGRADE or REQUIREMENTS <npm-spec> ...`,
      );
  }
  if (upgrade && session === undefined)
    throw new ErrorReply('ERR RG.JSEXECUTE ... UPGRADE needs the session to upgrade: ID <name> UPGRADE');
  return { source: text(args[0]), unblocking, requirements, session, upgrade };
}

/**
 * RG.JSEXECUTE <source> [UNBLOCKING] [ID <name> [UPGRADE]] [REQUIREMENTS <npm-spec> ...]: requirements
 * are npm-installed first, then reachable with require(). A source that only registers replies OK.
 */
export const jsexecute =
  (engine: Engine, cluster?: GearsCluster): CommandHandler =>
  (args, ctx) => {
    if (args.length < 1) throw wrongArity('rg.jsexecute');
    const { source, ...options } = parseExecuteArgs(args);
    // a blocking execution is for its client alone: if the client goes away, nobody will read it
    const signal = options.unblocking ? undefined : ctx.signal;
    return replying(async () => {
      const outcome = await (cluster ?? engine).execute(source, { ...options, signal });
      if (outcome.kind === 'id') return outcome.id;
      if (outcome.kind === 'registered') return ok();
      return resultsAndErrors(outcome.results, outcome.errors);
    });
  };
