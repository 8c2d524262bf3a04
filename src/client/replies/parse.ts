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
import { fields, flag, list, num, optionalText, text } from './values.js';

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

export function parseExecutions(reply: unknown): ExecutionInfo[] {
  return list(reply).map((entry) => {
    const f = fields(entry);
    return {
      executionId: parseExecID(f.executionId),
      status: text(f.status) as ExecutionStatus,
      registered: flag(f.registered),
    };
  });
}

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

function parseRegData(reply: unknown): RegData {
  const f = fields(reply);
  return {
    mode: text(f.mode),
    numTriggered: num(f.numTriggered),
    numSuccess: num(f.numSuccess),
    numFailures: num(f.numFailures),
    numAborted: num(f.numAborted),
    lastError: optionalText(f.lastError),
    args: (deep(f.args ?? []) ?? {}) as Record<string, unknown>,
    status: optionalText(f.status),
  };
}

export function parseRegistrations(reply: unknown): Registration[] {
  return list(reply).map((entry) => {
    const f = fields(entry);
    return {
      id: parseExecID(f.id),
      reader: text(f.reader),
      desc: optionalText(f.desc),
      RegistrationData: parseRegData(f.RegistrationData),
      PD: parsePD(f.PD),
      ExecutionThreadPool: optionalText(f.ExecutionThreadPool),
    };
  });
}

function parseStep(reply: unknown): ExecutionStep {
  const f = fields(reply);
  return { type: text(f.type), duration: num(f.duration), name: text(f.name), arg: text(f.arg ?? '') };
}

function parsePlan(reply: unknown): ExecutionPlan {
  const f = fields(reply);
  return {
    status: text(f.status) as ExecutionStatus,
    shards_received: num(f.shards_received),
    shards_completed: num(f.shards_completed),
    results: num(f.results),
    errors: Array.isArray(f.errors) ? f.errors.map(text) : [],
    total_duration: num(f.total_duration),
    read_duration: num(f.read_duration),
    steps: list(f.steps).map(parseStep),
    records_read: num(f.records_read),
  };
}

/** RG.GETEXECUTION: shard id -> that shard's plan. */
export function parseExecutionPlans(reply: unknown): Record<string, ExecutionPlan> {
  const plans: Record<string, ExecutionPlan> = {};
  for (const shard of list(reply)) {
    const f = fields(shard);
    plans[text(f.shard_id)] = parsePlan(f.execution_plan);
  }
  return plans;
}

function parseShard(reply: unknown): ShardInfo {
  const f = fields(reply);
  return {
    id: text(f.id),
    ip: text(f.ip),
    port: num(f.port),
    unixSocket: optionalText(f.unixSocket),
    runid: text(f.runid),
    minHslot: num(f.minHslot),
    maxHslot: num(f.maxHslot),
    pendingMessages: num(f.pendingMessages),
    gearsAddress: optionalText(f.gearsAddress),
  };
}

/** RG.INFOCLUSTER: null outside a cluster (the server answers 'no cluster mode'). */
export function parseClusterInfo(reply: unknown): ClusterInfo | null {
  if (!Array.isArray(reply) && !(reply instanceof Map)) return null;
  const f = fields(reply);
  // RedisGears 1.2 answers MyId, MyRunId, then the shard list as a fifth element without a name
  const shards = f.Shards ?? (Array.isArray(reply) && reply.length % 2 === 1 ? reply[reply.length - 1] : []);
  return { my_id: text(f.MyId), my_run_id: text(f.MyRunId ?? ''), shards: list(shards).map(parseShard) };
}

export function parseStats(reply: unknown): JsStats {
  const f = fields(reply);
  return {
    TotalAllocated: num(f.TotalAllocated),
    PeakAllocated: num(f.PeakAllocated),
    CurrAllocated: num(f.CurrAllocated),
  };
}

export function parseRequirements(reply: unknown): RequirementInfo[] {
  return list(reply).map((entry) => {
    const f = fields(entry);
    return {
      GearReqVersion: num(f.GearReqVersion),
      Name: text(f.Name),
      IsDownloaded: flag(f.IsDownloaded),
      IsInstalled: flag(f.IsInstalled),
      CompiledOs: text(f.CompiledOs),
      Wheels: list(f.Wheels).map(text),
    };
  });
}
