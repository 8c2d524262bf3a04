// RG.* replies -> the objects of ./types.ts. Each parser accepts RESP2 (flat arrays) and RESP3
// (maps) alike, since ioredis 6 and node-redis 5 may speak either.
import { ExecutionResult } from '../../model/index.js';
import type {
  ClusterInfo,
  ExecID,
  ExecutionInfo,
  ExecutionPlan,
  ExecutionStatus,
  ExecutionStep,
  JsStats,
  RegData,
  Registration,
  RequirementInfo,
  ShardInfo,
} from './types.js';
import { fields, flag, list, listOf, num, optionalText, record, text } from './values.js';

const EXEC_ID = /^([0-9a-f]{40})-(\d+)$/i;

export function parseExecID(value: unknown): ExecID {
  const id = text(value);
  const match = EXEC_ID.exec(id);
  if (!match) return { shardId: '', sequence: -1, text: id };
  return { shardId: match[1]!, sequence: Number(match[2]), text: id };
}

/** `[[results...], [errors...]]` -> ExecutionResult. */
export function parseResults<T>(reply: unknown): ExecutionResult<T> {
  const [results, errors] = list(reply);
  return new ExecutionResult<T>(list(results) as T[], list(errors).map(text));
}

const status = (value: unknown) => text(value) as ExecutionStatus;

export const parseExecutions: (reply: unknown) => ExecutionInfo[] = listOf(
  record({ executionId: parseExecID, status, registered: flag }),
);

/**
 * RedisGears writes PD as a Python dict's text (`{'sessionName':'x', 'linkedTo': primary, ...}`);
 * read as an object where it can be, else left as text.
 */
function parsePD(value: unknown): unknown {
  const raw = optionalText(value);
  if (raw === null) return null;
  const json = raw
    .replace(/'/g, '"')
    .replace(/:\s*([A-Za-z_]\w*)(?=\s*[,}])/g, (whole, word: string) =>
      ['true', 'false', 'null'].includes(word) ? whole : `:"${word}"`,
    );
  try {
    return JSON.parse(json);
  } catch {
    return raw;
  }
}

/** Nested field/value arrays (args) become objects; scalars stay as they came. */
function deep(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString();
  if (Array.isArray(value) && value.length % 2 === 0 && value.every((v, i) => i % 2 === 1 || typeof v === 'string')) {
    return Object.fromEntries(Object.entries(fields(value)).map(([k, v]) => [k, deep(v)]));
  }
  return value;
}

const parseRegData: (reply: unknown) => RegData = record({
  mode: text,
  numTriggered: num,
  numSuccess: num,
  numFailures: num,
  numAborted: num,
  lastError: optionalText,
  args: (value: unknown) => (deep(value ?? []) ?? {}) as Record<string, unknown>,
  status: optionalText,
});

export const parseRegistrations: (reply: unknown) => Registration[] = listOf(
  record({
    id: parseExecID,
    reader: text,
    desc: optionalText,
    RegistrationData: parseRegData,
    PD: parsePD,
    ExecutionThreadPool: optionalText,
  }),
);

const parseStep: (reply: unknown) => ExecutionStep = record({
  type: text,
  duration: num,
  name: text,
  arg: (value: unknown) => text(value ?? ''),
});

const parsePlan: (reply: unknown) => ExecutionPlan = record({
  status,
  shards_received: num,
  shards_completed: num,
  results: num,
  errors: (value: unknown) => (Array.isArray(value) ? value.map(text) : []),
  total_duration: num,
  read_duration: num,
  steps: listOf(parseStep),
  records_read: num,
});

/** RG.GETEXECUTION: shard id -> that shard's plan. */
export function parseExecutionPlans(reply: unknown): Record<string, ExecutionPlan> {
  const plans: Record<string, ExecutionPlan> = {};
  for (const shard of list(reply)) {
    const f = fields(shard);
    plans[text(f.shard_id)] = parsePlan(f.execution_plan);
  }
  return plans;
}

const parseShard: (reply: unknown) => ShardInfo = record({
  id: text,
  ip: text,
  port: num,
  unixSocket: optionalText,
  runid: text,
  minHslot: num,
  maxHslot: num,
  pendingMessages: num,
  gearsAddress: optionalText,
});

/** RG.INFOCLUSTER: null outside a cluster (the server answers 'no cluster mode'). */
export function parseClusterInfo(reply: unknown): ClusterInfo | null {
  if (!Array.isArray(reply) && !(reply instanceof Map)) return null;
  const f = fields(reply);
  // RedisGears 1.2 answers MyId, MyRunId, then the shard list as a fifth element without a name
  const shards = f.Shards ?? (Array.isArray(reply) && reply.length % 2 === 1 ? reply[reply.length - 1] : []);
  return { my_id: text(f.MyId), my_run_id: text(f.MyRunId ?? ''), shards: list(shards).map(parseShard) };
}

export const parseStats: (reply: unknown) => JsStats = record({
  TotalAllocated: num,
  PeakAllocated: num,
  CurrAllocated: num,
});

export const parseRequirements: (reply: unknown) => RequirementInfo[] = listOf(
  record({
    GearReqVersion: num,
    Name: text,
    IsDownloaded: flag,
    IsInstalled: flag,
    CompiledOs: text,
    Wheels: listOf(text),
  }),
);
