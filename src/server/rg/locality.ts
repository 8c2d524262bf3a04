import type { GearsCluster } from '../../cluster/index.js';
import { ErrorReply } from '../resp/reply.js';
import { text } from './values.js';

/**
 * The optional `SHARD|CLUSTER` word of RG.GETEXECUTION, RG.DUMPEXECUTIONS and RG.DUMPREGISTRATIONS;
 * CLUSTER needs a cluster (RedisGears' wording).
 */
export function locality(command: string, arg: Buffer | undefined, cluster?: GearsCluster): 'SHARD' | 'CLUSTER' {
  const word = text(arg).toUpperCase() || 'SHARD';
  if (word !== 'SHARD' && word !== 'CLUSTER') throw new ErrorReply('ERR unknown subcommand');
  if (word === 'CLUSTER' && !cluster?.enabled)
    throw new ErrorReply(`ERR no cluster detected - use \`${command} [SHARD]\` instead`);
  return word;
}
