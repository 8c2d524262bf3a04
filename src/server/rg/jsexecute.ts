import type { GearsCluster } from '../../cluster/index.js';
import type { Engine } from '../../engine/index.js';
import type { CommandHandler } from '../commands.js';
import { ErrorReply, wrongArity } from '../resp/reply.js';
import { replying, resultsAndErrors, text } from './values.js';

interface ExecuteArgs {
  readonly source: string;
  readonly unblocking: boolean;
  readonly requirements: string[];
}

export function parseExecuteArgs(args: Buffer[]): ExecuteArgs {
  const parsed: ExecuteArgs = { source: text(args[0]), unblocking: false, requirements: [] };
  let unblocking = false;
  for (let i = 1; i < args.length; i++) {
    const word = text(args[i]).toUpperCase();
    if (word === 'UNBLOCKING') unblocking = true;
    else if (word === 'REQUIREMENTS') {
      parsed.requirements.push(...args.slice(i + 1).map(text));
      break;
    } else
      throw new ErrorReply(
        `ERR unknown argument '${text(args[i])}' to RG.JSEXECUTE: expected UNBLOCKING or REQUIREMENTS <npm-spec> ...`,
      );
  }
  return { ...parsed, unblocking };
}

/** RG.JSEXECUTE <source> [UNBLOCKING] [REQUIREMENTS <npm-spec> ...]: requirements are npm-installed first, then reachable with require(). */
export const jsexecute =
  (engine: Engine, cluster?: GearsCluster): CommandHandler =>
  (args) => {
    if (args.length < 1) throw wrongArity('rg.jsexecute');
    const { source, unblocking, requirements } = parseExecuteArgs(args);
    return replying(async () => {
      const outcome = await (cluster ?? engine).execute(source, { unblocking, requirements });
      return outcome.kind === 'id' ? outcome.id : resultsAndErrors(outcome.results, outcome.errors);
    });
  };
