// The registered functions an execution thread holds, and how their events run. A session is what
// one registering source closed with register(): its plans keep the source's scope alive, so every
// execution of its registrations on this thread shares the source's top-level variables.
import type { Redis } from 'ioredis';
import type { KeysRecord, KeyType, Plan } from '../../model/plan.js';
import { lower } from '../lower.js';
import { errorMessage, type Exchange } from '../operators/index.js';
import { readTypedRaw, shapeValue } from '../readers/values.js';
import { runPlan } from '../run-plan.js';
import type { EventOutcome, EventsJob, RegisteredPlan } from './protocol.js';

export interface EventDeps {
  readonly redis: Redis;
  readonly shardId: string;
  readonly clusterMode: boolean;
}

/** A plan as data for the engine: callbacks stay on this thread. */
export function describePlan(plan: Plan): RegisteredPlan {
  const options: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(plan.action?.options ?? {})) {
    if (typeof value !== 'function') options[name] = value;
  }
  const arg = plan.action?.arg ?? plan.reader.defaultArg;
  return {
    reader: plan.reader.name,
    movesRecords: lower(plan.steps).some((p) => p.kind === 'collect' || p.kind === 'repartition'),
    ...(plan.reader.desc === undefined ? {} : { desc: plan.reader.desc }),
    ...(typeof arg === 'string' ? { arg } : {}),
    options,
  };
}

const TYPES_ONLY = `local out = {} for i = 1, #ARGV do out[i] = redis.call('TYPE', ARGV[i]).ok end return out`;

type WithTypes = Redis & { gearboxEventTypes(...keys: string[]): Promise<string[]> };

function types(redis: Redis, keys: string[]): Promise<string[]> {
  if (!('gearboxEventTypes' in redis)) redis.defineCommand('gearboxEventTypes', { numberOfKeys: 0, lua: TYPES_ONLY });
  return (redis as WithTypes).gearboxEventTypes(...keys);
}

const keyType = (type: string): KeyType => (type === 'none' ? 'empty' : (type as KeyType));

/**
 * KeysReader event records `{key, value, type, event}`, read in one round trip for the whole batch;
 * a key gone by now has type 'empty' and value null. Records whose type is not in `keyTypes` are
 * null (not triggered).
 */
async function keyEventRecords(
  redis: Redis,
  events: Array<{ key: string; event: string }>,
  options: Record<string, unknown>,
): Promise<Array<KeysRecord | null>> {
  const keyTypes = Array.isArray(options.keyTypes) && options.keyTypes.length ? options.keyTypes : null;
  const keys = events.map((e) => e.key);
  if (options.readValue === false) {
    const found = keyTypes ? await types(redis, keys) : null;
    return events.map(({ key, event }, i) =>
      found && !keyTypes!.includes(found[i]) ? null : { key, event, value: null, type: null },
    );
  }
  const reply = await readTypedRaw(redis, keys);
  return events.map(({ key, event }, i) => {
    const type = reply[2 * i] as string;
    if (keyTypes && !keyTypes.includes(type)) return null;
    const value = type === 'none' ? null : shapeValue(type, reply[2 * i + 1]);
    return { key, event, value, type: keyType(type) };
  });
}

/** The records the reader of `plan` makes of the raw events the engine sent. */
function eventRecords(deps: EventDeps, plan: Plan, raw: unknown[]): unknown[] | Promise<unknown[]> {
  if (plan.reader.name === 'KeysReader') {
    return keyEventRecords(deps.redis, raw as Array<{ key: string; event: string }>, plan.action?.options ?? {});
  }
  return raw;
}

/** A stream registration's batch of entries is one execution, as RedisGears runs it. */
async function runBatch(deps: EventDeps, plan: Plan, job: EventsJob): Promise<EventOutcome[]> {
  const report = await runPlan(plan, { ...deps, records: job.records });
  const outcome = { ms: report.totalMs, errors: report.errors };
  return [job.keep > 0 ? { ...outcome, results: report.results } : outcome];
}

/**
 * One execution of a registration spread over a cluster: this shard's records (the event's, or none
 * on the other shards) go through the steps, and the exchange moves them where the steps say.
 */
async function runDistributed(
  deps: EventDeps,
  plan: Plan,
  job: EventsJob,
  exchange: Exchange,
): Promise<EventOutcome[]> {
  const records = job.records.length ? (await eventRecords(deps, plan, job.records)).filter((r) => r !== null) : [];
  if (job.records.length > 0 && records.length === 0) {
    // the event did not match (keyTypes): the other shards still take part, so the run goes on empty
    const report = await runPlan(plan, { ...deps, records: [], exchange, discardResults: true });
    return [{ ms: report.totalMs, errors: report.errors, skipped: true }];
  }
  const report = await runPlan(plan, { ...deps, records, exchange });
  const outcome = { ms: report.totalMs, errors: report.errors };
  return [job.keep > 0 ? { ...outcome, results: report.results } : outcome];
}

/** Runs one execution per event, concurrently (their Redis commands share round trips); a stream batch is one. */
export async function runEvents(
  deps: EventDeps,
  plan: Plan,
  job: EventsJob,
  exchange?: Exchange,
): Promise<EventOutcome[]> {
  if (exchange) return runDistributed(deps, plan, job, exchange);
  if (plan.reader.name === 'StreamReader') return runBatch(deps, plan, job);
  let records: unknown[];
  try {
    const made = eventRecords(deps, plan, job.records);
    // records used as sent are not awaited: a trigger is one event, and a microtask less is worth it
    records = Array.isArray(made) ? made : await made;
  } catch (err) {
    const message = errorMessage(err);
    return job.records.map(() => ({ ms: 0, errors: [message] }));
  }
  const keepFrom = records.length - job.keep;
  return Promise.all(
    records.map(async (record, i): Promise<EventOutcome> => {
      if (record === null) return { ms: 0, errors: [], skipped: true };
      const kept = i >= keepFrom;
      const report = await runPlan(plan, { ...deps, records: [record], discardResults: !kept });
      const outcome = { ms: report.totalMs, errors: report.errors };
      return kept ? { ...outcome, results: report.results } : outcome;
    }),
  );
}
