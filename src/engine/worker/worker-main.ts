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
import { ensureReady, openRedis, transactionLink } from './links.js';
import type { FromWorker, RunJob, WorkerSetup } from './protocol.js';
import { describeSteps } from './steps-info.js';
import { evaluateSource, requireFrom } from './evaluate.js';

const setup = workerData as WorkerSetup;
const port = parentPort!;
const require = requireFrom(setup.requirementsDir);
const redis = openRedis(setup.redisUrl, 'gearbox-execution');
let transactions: ReturnType<typeof openRedis> | undefined;

const post = (message: FromWorker) => port.postMessage(message);

async function runJob(job: RunJob): Promise<void> {
  const closed: Plan[] = [];
  const runtime = createRuntime({
    redis: { call: (command, ...args) => redis.call(command, ...(args as string[])) },
    transactions: transactionLink((transactions ??= openRedis(setup.redisUrl, 'gearbox-atomic'))),
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
    return post({ type: 'failed', executionId: job.executionId, message: errorMessage(err) });
  }
  const runs = closed.filter((p) => p.action?.kind === 'run');
  if (closed.length === 0)
    return post({
      type: 'failed',
      executionId: job.executionId,
      message: 'the source built no gear function: end it with .run() or .register()',
    });
  if (runs.length !== closed.length)
    return post({
      type: 'failed',
      executionId: job.executionId,
      message: 'register() needs event support, which this gears server does not offer yet: use run() for a batch',
    });
  if (runs.length > 1)
    return post({
      type: 'failed',
      executionId: job.executionId,
      message: `a source may close one function with run(); this one closed ${runs.length}`,
    });
  const plan = runs[0];
  const exchange = job.distribution ? await loadExchange(job) : undefined;
  post({ type: 'started', executionId: job.executionId, steps: describeSteps(lowerRun(plan, exchange !== undefined)) });
  let report: RunReport;
  try {
    report = await runPlan(plan, {
      redis,
      shardId: setup.shardId,
      clusterMode: setup.clusterMode,
      exchange,
      profile: job.config.ProfileExecutions === true,
      onProgress: (recordsRead) => post({ type: 'progress', executionId: job.executionId, recordsRead }),
    });
  } catch (err) {
    if (!(err instanceof ExecutionAbortedError)) throw err;
    return post({ type: 'aborted', executionId: job.executionId, message: err.message });
  } finally {
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
async function loadExchange(job: RunJob): Promise<Exchange> {
  const distribution = job.distribution!;
  const module = (await import(distribution.module)) as {
    createExchange(setup: unknown, executionId: string): Exchange;
  };
  return module.createExchange(distribution.setup, job.executionId);
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

port.on('message', (job: RunJob) => {
  runJob(job).catch((err) => post({ type: 'failed', executionId: job.executionId, message: errorMessage(err) }));
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
