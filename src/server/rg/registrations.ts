// RG.DUMPREGISTRATIONS, RG.UNREGISTER, RG.PAUSEREGISTRATIONS, RG.UNPAUSEREGISTRATIONS,
// RG.CLEARREGISTRATIONSSTATS: RedisGears 1.2's commands and reply positions (execution_plan.c,
// keys_reader.c, command_reader.c of its v1.2 branch).
import type { GearsCluster } from '../../cluster/index.js';
import { sumStats, type Engine, type Registration, type Session, type StatsView } from '../../engine/index.js';
import type { CommandHandler } from '../commands.js';
import { DoubleReply, ok, wrongArity, type Reply } from '../resp/reply.js';
import { locality } from './locality.js';
import { replying, text } from './values.js';

type Counters = StatsView & { readonly avgRunDurationMS: number };

const list = (value: unknown): Reply => (Array.isArray(value) && value.length ? value.map(String) : null);

/** Each reader's `args` in RegistrationData. */
const READER_ARGS: Record<string, (reg: Registration) => Reply[]> = {
  KeysReader: (reg) => [
    'regex',
    reg.plan.arg ?? '*',
    'eventTypes',
    list(reg.plan.options.eventTypes),
    'keyTypes',
    list(reg.plan.options.keyTypes),
    'hookCommands',
    null,
  ],
  CommandReader: (reg) => ['trigger', reg.trigger ?? '', 'inorder', 0],
};

/** The counters every reader's RegistrationData starts with (RedisGears 1.2's first eight fields). */
function counters(reg: Registration, s: Counters): Reply[] {
  return [
    'mode',
    reg.mode,
    'numTriggered',
    s.numTriggered,
    'numSuccess',
    s.numSuccess,
    'numFailures',
    s.numFailures,
    'numAborted',
    s.numAborted,
    'lastRunDurationMS',
    Math.round(s.lastRunDurationMS),
    'totalRunDurationMS',
    Math.round(s.totalRunDurationMS),
    'avgRunDurationMS',
    new DoubleReply(s.avgRunDurationMS),
  ];
}

/** StreamReader's RegistrationData, in RedisGears 1.2's positions (stream_reader.c): lag fields, then status last. */
function streamRegistrationData(reg: Registration, s: Counters): Reply[] {
  const o = reg.plan.options;
  const progress = reg.stream;
  return [
    ...counters(reg, s),
    'lastEstimatedLagMS',
    Math.round(progress?.lastBatchLagMS ?? 0),
    'avgEstimatedLagMS',
    new DoubleReply(progress?.avgBatchLagMS ?? 0),
    'lastError',
    s.lastError,
    'args',
    [
      'batchSize',
      (o.batch as number | undefined) ?? 1,
      'durationMS',
      (o.duration as number | undefined) ?? 0,
      'stream',
      reg.plan.arg ?? '*',
      'trimStream',
      o.trimStream === false ? 0 : 1,
      'onFailedPolicy',
      (o.onFailedPolicy as string | undefined) ?? 'continue',
      'retryInterval',
      (o.onFailedRetryInterval as number | undefined) ?? 1,
    ],
    'status',
    reg.paused ? 'PAUSED' : (progress?.status ?? 'OK'),
  ];
}

function registrationData(reg: Registration, s: Counters): Reply[] {
  if (reg.reader === 'StreamReader') return streamRegistrationData(reg, s);
  const args = READER_ARGS[reg.reader]?.(reg) ?? ['regex', reg.plan.arg ?? '*'];
  return [
    ...counters(reg, s),
    'lastError',
    s.lastError,
    'args',
    args,
    // gearbox's own, after RedisGears' positions: events dropped by a full queue, and pause state
    'numDropped',
    s.numDropped,
    'status',
    reg.paused ? 'paused' : 'running',
  ];
}

/** RedisGears' Python session text (PythonSessionCtx_ToString), for the `PD` field. */
function sessionText(session: Session | undefined, reg: Registration): string {
  const ids = (session?.registrations ?? [reg]).map((r) => `'${r.id}'`).join(', ');
  const deps = (session?.requirements ?? []).map((d) => `'${d}'`).join(', ');
  return (
    `{'sessionName':'${reg.session.name}', 'sessionDescription':'null', 'refCount': 1, 'linkedTo': primary,` +
    ` 'dead': false, 'isInstallationNeeded':0, 'registrationsList':[${ids}], 'depsList':[${deps}]}`
  );
}

/**
 * RG.DUMPREGISTRATIONS [SHARD|CLUSTER]. A registration has one id on every shard of a cluster, so
 * each shard lists the same ones; CLUSTER adds up the counters of every shard that answers
 * (stream lag and status stay this shard's).
 */
export const dumpregistrations =
  (engine: Engine, cluster?: GearsCluster): CommandHandler =>
  (args) => {
    if (args.length > 1) throw wrongArity('rg.dumpregistrations');
    const whole = locality('RG.DUMPREGISTRATIONS', args[0], cluster) === 'CLUSTER';
    return replying(async () => {
      const theirs = whole ? await cluster!.peerCounters() : new Map<string, StatsView[]>();
      return dump(engine, (reg) => (whole ? sumStats([reg.stats, ...(theirs.get(reg.id) ?? [])]) : reg.stats));
    });
  };

function dump(engine: Engine, stats: (reg: Registration) => Counters): Reply[] {
  const registry = engine.registrations.registry;
  return registry
    .all()
    .map((reg) => [
      'id',
      reg.id,
      'reader',
      reg.reader,
      'desc',
      reg.desc ?? null,
      'RegistrationData',
      registrationData(reg, stats(reg)),
      'PD',
      sessionText(registry.session(reg.session.name), reg),
      'ExecutionThreadPool',
      'DefaultPool',
    ]);
}

/** RG.UNREGISTER <id> [ABORTPENDING]; in a cluster on every shard. */
export const unregister =
  (engine: Engine, cluster?: GearsCluster): CommandHandler =>
  (args) => {
    if (args.length < 1 || args.length > 2) throw wrongArity('rg.unregister');
    const id = text(args[0]);
    return replying(async () => {
      if (cluster?.enabled) await cluster.registry('unregister', [id]);
      else engine.registrations.unregister(id);
      return ok();
    });
  };

/** RG.PAUSEREGISTRATIONS [ABORTPENDING] <id> ... and RG.UNPAUSEREGISTRATIONS <id> ...; in a cluster on every shard. */
const pausing =
  (paused: boolean) =>
  (engine: Engine, cluster?: GearsCluster): CommandHandler =>
  (args) => {
    const ids = args.map(text).filter((id, i) => !(paused && i === 0 && id.toUpperCase() === 'ABORTPENDING'));
    if (ids.length === 0) throw wrongArity(paused ? 'rg.pauseregistrations' : 'rg.unpauseregistrations');
    return replying(async () => {
      if (cluster?.enabled) await cluster.registry(paused ? 'pause' : 'unpause', ids);
      else engine.registrations.setPaused(ids, paused);
      return ok();
    });
  };

export const pauseregistrations = pausing(true);
export const unpauseregistrations = pausing(false);

/** RG.CLEARREGISTRATIONSSTATS */
export const clearregistrationsstats =
  (engine: Engine): CommandHandler =>
  () => {
    engine.registrations.clearStats();
    return ok();
  };
