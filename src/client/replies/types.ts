// The parsed replies of the RG.* commands, with RedGrease's names (redgrease.data). The reply
// shapes are RedisGears 1.2's (README.md, "Commands"); the parsers are in the files beside.

export type ExecutionStatus =
  | 'created'
  | 'running'
  | 'done'
  | 'aborted'
  | 'pending_cluster'
  | 'pending_run'
  | 'pending_receive'
  | 'pending_termination';

/** An execution id, `<40 hex shard id>-<sequence>`. */
export interface ExecID {
  readonly shardId: string;
  readonly sequence: number;
  /** The id as the server writes it. */
  readonly text: string;
}

/** One entry of RG.DUMPEXECUTIONS. */
export interface ExecutionInfo {
  readonly executionId: ExecID;
  readonly status: ExecutionStatus;
  readonly registered: boolean;
}

/** Reader arguments of a registration (`regex`, `eventTypes`, `keyTypes`, `trigger`, ...). */
export type RegistrationArgs = Readonly<Record<string, unknown>>;

/** Registration.RegistrationData of RG.DUMPREGISTRATIONS. */
export interface RegData {
  readonly mode: string;
  readonly numTriggered: number;
  readonly numSuccess: number;
  readonly numFailures: number;
  readonly numAborted: number;
  readonly lastError: string | null;
  readonly args: RegistrationArgs;
  readonly status: string | null;
}

/** One entry of RG.DUMPREGISTRATIONS. */
export interface Registration {
  readonly id: ExecID;
  readonly reader: string;
  readonly desc: string | null;
  readonly RegistrationData: RegData;
  /** Private data: the session (`sessionName`, `registrationsList`, `depsList`), as an object where it parses. */
  readonly PD: unknown;
  readonly ExecutionThreadPool: string | null;
}

export interface ExecutionStep {
  readonly type: string;
  /** Milliseconds; 0 unless ProfileExecutions is on. */
  readonly duration: number;
  readonly name: string;
  readonly arg: string;
}

/** One shard's plan in RG.GETEXECUTION's reply. */
export interface ExecutionPlan {
  readonly status: ExecutionStatus;
  readonly shards_received: number;
  readonly shards_completed: number;
  /** Count of results, -1 while running. */
  readonly results: number;
  readonly errors: readonly string[];
  readonly total_duration: number;
  readonly read_duration: number;
  /** Last step first, as RedisGears lists them. */
  readonly steps: readonly ExecutionStep[];
  /** gearbox's addition: records the reader produced so far. */
  readonly records_read: number;
}

export interface ShardInfo {
  readonly id: string;
  readonly ip: string;
  readonly port: number;
  readonly unixSocket: string | null;
  readonly runid: string;
  readonly minHslot: number;
  readonly maxHslot: number;
  readonly pendingMessages: number;
  /** gearbox's addition: host:port of that shard's gears server, null where none announced itself. */
  readonly gearsAddress: string | null;
}

export interface ClusterInfo {
  readonly my_id: string;
  readonly my_run_id: string;
  readonly shards: readonly ShardInfo[];
}

/** RG.JSSTATS, the JavaScript runtime's memory (RedGrease's PyStats), in bytes. */
export interface JsStats {
  readonly TotalAllocated: number;
  readonly PeakAllocated: number;
  readonly CurrAllocated: number;
}

/** One entry of RG.JSDUMPREQS (RedGrease's PyRequirementInfo). */
export interface RequirementInfo {
  readonly GearReqVersion: number;
  readonly Name: string;
  readonly IsDownloaded: boolean;
  readonly IsInstalled: boolean;
  readonly CompiledOs: string;
  readonly Wheels: readonly string[];
}
