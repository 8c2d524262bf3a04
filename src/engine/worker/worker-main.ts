// An execution thread: evaluates gear function sources with the runtime in scope and runs the
// batch functions they close. One execution at a time, so the engine can abort one by ending the
// thread without harming another.
import { parentPort, workerData } from 'node:worker_threads';
import type { Plan } from '../../model/plan.js';
import { createRuntime } from '../../runtime/index.js';
import { ExecutionAbortedError } from '../errors.js';
import { lowerRun } from '../lower.js';
import { errorMessage, type Exchange } from '../operators/index.js';
import { runPlan, type RunReport } from '../run-plan.js';
import { ensureReady, linkSettled, openRedis, transactionLink } from './links.js';
import type { EventsJob, FromWorker, JobDistribution, RunJob, SessionJob, ToWorker, WorkerSetup } from './protocol.js';
import { describePlan, runEvents } from './session-events.js';
import { describeSteps } from './steps-info.js';
import { evaluateSource, requireFrom, sourcePosition } from './evaluate.js';
import { memoryWatcher } from './memory-guard.js';
import { redisAddress } from '../redis-address.js';
import { registerRedisTls } from '../redis-tls.js';

const setup = workerData as WorkerSetup;
registerRedisTls(setup.redisUrl, setup.redisTls);
const port = parentPort!;
const require = requireFrom(setup.requirementsDir);
const redis = openRedis(setup.redisUrl, 'gearbox-execution');
// The executions of a batch of events run concurrently: on a connection of their own their commands
// share writes (auto-pipelining), which one write per command cost more than (bench/events.ts).
let eventRedis: ReturnType<typeof openRedis> | undefined;
/** Where a function's execute() goes: the events connection while an events job runs. */
let link = redis;
let transactions: ReturnType<typeof openRedis> | undefined;

const post = (message: FromWorker) => port.postMessage(message);

let lastRedisError: string | undefined;
redis.on('error', (err: NodeJS.ErrnoException) => (lastRedisError = err.code ?? err.message));
redis.on('ready', () => (lastRedisError = undefined));
void linkSettled(redis).then(() => post({ type: 'linked' }));

/**
 * Aborted when the thread's link to Redis drops during a run: every read and write after that would
 * fail, so the run stops and reports the one cause instead of a partial result and thousands of errors.
 */
function redisLoss(): { signal: AbortSignal; stop(): void } {
  const controller = new AbortController();
  const onClose = () =>
    controller.abort(
      new Error(
        `lost the connection to Redis at ${redisAddress(setup.redisUrl)} during the execution ` +
          `(${lastRedisError ?? 'closed by Redis: CLIENT KILL, a timeout or a restart'})`,
      ),
    );
  redis.once('close', onClose);
  return { signal: controller.signal, stop: () => redis.off('close', onClose) };
}

/** Registering sources this thread holds: session key -> the plans it closed with register(). */
const sessions = new Map<string, Plan[]>();

async function runJob(job: RunJob): Promise<void> {
  const closed: Plan[] = [];
  const runtime = createRuntime({
    redis: { call: (command, ...args) => link.call(command, ...(args as string[])) },
    transactions: transactionLink(() => (transactions ??= openRedis(setup.redisUrl, 'gearbox-atomic'))),
    lowestSlot: () => job.distribution?.lowestSlot ?? setup.lowestSlot,
    config: () => job.config,
    log: (level, message) => post({ type: 'log', level, message, executionId: job.executionId }),
    onClose: (plan) => {
      closed.push(plan);
      return undefined;
    },
  });
  post({ type: 'started', executionId: job.executionId, steps: [] });
  try {
    await ensureReady(redis, setup.redisUrl);
    await evaluateSource(job.source, runtime, require);
  } catch (err) {
    return post({ type: 'failed', executionId: job.executionId, message: errorMessage(err) + sourcePosition(err) });
  }
  const runs = closed.filter((p) => p.action?.kind === 'run');
  if (closed.length === 0)
    return post({
      type: 'failed',
      executionId: job.executionId,
      message: 'the source built no gear function: end it with .run() or .register()',
    });
  if (runs.length === 0 && job.sessionKey !== undefined) {
    sessions.set(job.sessionKey, closed);
    return post({ type: 'registered', executionId: job.executionId, plans: closed.map(describePlan) });
  }
  if (runs.length !== closed.length)
    return post({
      type: 'failed',
      executionId: job.executionId,
      message:
        'a source either runs one function or registers functions, not both: send the run() and the register() calls as separate sources',
    });
  if (runs.length > 1)
    return post({
      type: 'failed',
      executionId: job.executionId,
      message: `a source may close one function with run(); this one closed ${runs.length}`,
    });
  const plan = runs[0];
  const exchange = job.distribution ? await loadExchange(job.distribution, job.executionId) : undefined;
  post({ type: 'started', executionId: job.executionId, steps: describeSteps(lowerRun(plan, exchange !== undefined)) });
  const loss = redisLoss();
  let report: RunReport;
  try {
    report = await runPlan(plan, {
      redis,
      shardId: setup.shardId,
      clusterMode: setup.clusterMode,
      exchange,
      profile: job.config.ProfileExecutions === true,
      onProgress: (recordsRead) => post({ type: 'progress', executionId: job.executionId, recordsRead }),
      signal: loss.signal,
    });
  } catch (err) {
    if (!(err instanceof ExecutionAbortedError)) throw err;
    return post({ type: 'aborted', executionId: job.executionId, message: err.message });
  } finally {
    loss.stop();
    await exchange?.close?.();
  }
  try {
    post({ type: 'done', executionId: job.executionId, report });
  } catch {
    // some result is not data (a function, say, with convertToStr off): drop those, say why
    post({ type: 'done', executionId: job.executionId, report: cloneableReport(report) });
  }
}

/** The cluster layer's Exchange for this job, loaded by URL (see JobDistribution). */
async function loadExchange(distribution: JobDistribution, executionId: string): Promise<Exchange> {
  const module = (await import(distribution.module)) as {
    createExchange(setup: unknown, executionId: string): Exchange;
  };
  return module.createExchange(distribution.setup, executionId);
}

function cloneableReport(report: RunReport): RunReport {
  const results: unknown[] = [];
  const errors = [...report.errors];
  for (const result of report.results) {
    try {
      results.push(structuredClone(result));
    } catch (err) {
      errors.push(`a result is not data and was dropped: ${errorMessage(err)}`);
    }
  }
  return { ...report, results, errors };
}

async function eventsJob(job: EventsJob): Promise<void> {
  const plan = sessions.get(job.sessionKey)?.[job.index];
  if (!plan) {
    const message = 'the registration is no longer loaded on this thread';
    return post({
      type: 'events-done',
      executionId: job.executionId,
      outcomes: job.records.map(() => ({ ms: 0, errors: [message] })),
    });
  }
  link = eventRedis ??= openRedis(setup.redisUrl, 'gearbox-events', true);
  const exchange = job.distribution ? await loadExchange(job.distribution, job.executionId) : undefined;
  let outcomes;
  try {
    const deps = { redis: link, shardId: setup.shardId, clusterMode: setup.clusterMode };
    outcomes = await runEvents(deps, plan, job, exchange);
  } finally {
    link = redis;
    await exchange?.close?.();
  }
  try {
    post({ type: 'events-done', executionId: job.executionId, outcomes });
  } catch {
    // a result that is not data: keep the counts, drop the results
    post({
      type: 'events-done',
      executionId: job.executionId,
      outcomes: outcomes.map(({ ms, errors, skipped }) => ({ ms, errors, skipped })),
    });
  }
}

/** onRegistered runs once the engine accepted the registrations; its failure is logged, not fatal. */
async function sessionJob(job: SessionJob): Promise<void> {
  if (job.type === 'unload') sessions.delete(job.sessionKey);
  else {
    const plans = sessions.get(job.sessionKey) ?? [];
    for (let i = 0; i < plans.length; i++) {
      const onRegistered = plans[i].action?.options.onRegistered;
      if (typeof onRegistered !== 'function') continue;
      try {
        await onRegistered(job.ids[i]);
      } catch (err) {
        post({ type: 'log', level: 'warn', message: `onRegistered of ${job.ids[i]} failed: ${errorMessage(err)}` });
      }
    }
  }
  post({ type: 'session-done', executionId: job.executionId });
}

function handle(job: ToWorker): Promise<void> {
  if (job.type === 'run') return runJob(job);
  if (job.type === 'events') return eventsJob(job);
  return sessionJob(job);
}

const watchMemory = memoryWatcher(setup.maxMemoryMb);

port.on('message', (job: ToWorker) => {
  const unwatch = watchMemory((message) => post({ type: 'exhausted', executionId: job.executionId, message }));
  handle(job)
    .catch((err) => post({ type: 'failed', executionId: job.executionId, message: errorMessage(err) }))
    .finally(unwatch);
});

// A promise a function forgot to await must not end the thread and every execution queued on it.
process.on('unhandledRejection', (reason) =>
  post({ type: 'log', level: 'warn', message: `unhandled rejection in a gear function: ${errorMessage(reason)}` }),
);
// Nor an exception thrown later from a timer or callback a function left behind, which would
// otherwise end the thread under whatever execution runs on it at the time.
process.on('uncaughtException', (err) =>
  post({ type: 'log', level: 'warn', message: `uncaught exception in a gear function: ${errorMessage(err)}` }),
);
