import type { GearsCluster } from '../../cluster/index.js';
import type { Engine, ExecutionSummary } from '../../engine/index.js';
import type { CommandHandler } from '../commands.js';
import { wrongArity, type Reply } from '../resp/reply.js';
import { locality } from './locality.js';
import { replying, text } from './values.js';

const ms = (value: number) => Math.round(value);

/** One shard's plan as RedisGears 1.2 shows it; steps last first, per-step durations only when profiling. */
export function describeExecution(shardId: string, execution: ExecutionSummary, profile: boolean): Reply {
  const steps = execution.steps.map((step, i) => [
    'type',
    step.type,
    'duration',
    profile ? ms(execution.stepDurationsMs[i] ?? 0) : 0,
    'name',
    step.name,
    'arg',
    step.arg,
  ]);
  return [
    'shard_id',
    shardId,
    'execution_plan',
    [
      'status',
      execution.status,
      'shards_received',
      0,
      'shards_completed',
      0,
      'results',
      execution.finished ? execution.resultCount : -1,
      'errors',
      execution.finished ? [...execution.errors] : [],
      'total_duration',
      ms(execution.totalMs),
      'read_duration',
      ms(execution.readMs),
      'steps',
      steps.reverse(),
      'records_read',
      execution.recordsRead,
      'records_moved',
      execution.recordsMoved,
      'bytes_moved',
      execution.bytesMoved,
    ],
  ];
}

/** RG.GETEXECUTION <id> [SHARD|CLUSTER] */
export const getexecution =
  (engine: Engine, cluster?: GearsCluster): CommandHandler =>
  (args) => {
    if (args.length < 1 || args.length > 2) throw wrongArity('rg.getexecution');
    const where = locality('RG.GETEXECUTION <id>', args[1], cluster);
    const profile = engine.config.get('ProfileExecutions');
    if (where === 'CLUSTER')
      return replying(async () =>
        (await cluster!.describe(text(args[0]))).map((s) => describeExecution(s.shardId, s.summary, profile)),
      );
    return replying(() => {
      const execution = engine.find(text(args[0]));
      return [describeExecution(engine.shardId, execution.summary(), profile)];
    });
  };
