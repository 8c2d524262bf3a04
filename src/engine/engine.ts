import { getHeapStatistics } from 'node:v8';
import { Redis } from 'ioredis';
import { childLogger, preferLogLevel, type Logger, type LogLevel } from '../log/logger.js';
import {
  ClosedGearFunction,
  ExecutionResult,
  GearsBuilder,
  OpenGearFunction,
  ParametrizedFunction,
  toSource,
} from '../model/index.js';
import { createRuntime } from '../runtime/index.js';
import { GearsConfig, type ConfigValue } from './config.js';
import { GearsError } from './errors.js';
import { Execution } from './execution.js';
import { Executions } from './executions.js';
import { Registrations } from './registrations/registrations.js';
import { Requirements } from './requirements.js';
import { reconnectDelay } from './reconnect.js';
import { redisAddress } from './redis-address.js';
import { credentialsHint, RedisHealth } from './redis-health.js';
import { registerRedisTls, tlsOptionsFor, type RedisTls } from './redis-tls.js';
import { readIdentity, STANDALONE_SHARD_ID, type ShardIdentity } from './identity.js';
import type { RunReport } from './run-plan.js';
import { compileSource } from './worker/evaluate.js';
import { WorkerPool } from './worker/pool.js';
import type { FromWorker, JobDistribution } from './worker/protocol.js';

export interface EngineOptions {
  readonly redisUrl: string;
  /** Certificates for a rediss:// URL (a private CA, a client certificate). */
  readonly redisTls?: RedisTls;
  /** Initial configuration, RedisGears names (ExecutionThreads is fixed from here on). */
  readonly config?: Record<string, ConfigValue>;
  readonly logger?: Logger;
  /**
   * How much gearbox logs, on stderr (human-readable on a terminal, JSON lines otherwise): by default
   * 'warn', warnings and errors only, so an application's output stays its own; 'info' adds what the
   * engine does (registrations restored, keyspace notifications enabled) and gear functions' `log()`
   * lines. One logger serves the whole process; GEARBOX_LOG_LEVEL, when set, wins.
   */
  readonly logLevel?: LogLevel;
  /** Where REQUIREMENTS are installed (default ~/.gearbox/requirements, or GEARBOX_REQUIREMENTS_DIR). */
  readonly requirementsDir?: string;
  /**
   * Beside a replica, as a stand-by (`gearbox serve --standby`): the stored registrations are not
   * restored until `takeOver()`, since the replica's primary has a gears server firing them.
   */
  readonly standby?: boolean;
}

export interface ExecuteOptions {
  readonly unblocking?: boolean;
  /** npm specs to install before the source runs (RG.JSEXECUTE ... REQUIREMENTS). */
  readonly requirements?: readonly string[];
  /** A blocking execution is aborted when this is (its client went away); UNBLOCKING ones go on. */
  readonly signal?: AbortSignal;
  /** RG.JSEXECUTE ... ID <name>: the session the source's registrations belong to. */
  readonly session?: string;
  /** RG.JSEXECUTE ... UPGRADE: replace the session's registrations with the new ones, in one step. */
  readonly upgrade?: boolean;
  /** Set by the cluster layer for an execution spread over shards (see src/cluster). */
  readonly distributed?: DistributedRun;
}

/** This shard's part in an execution that spans shards: one id everywhere, records moved by the job's exchange. */
export interface DistributedRun {
  readonly id: string;
  readonly job: JobDistribution;
  /**
   * Called once the local part is done: waits for the other shards and returns their errors, or
   * throws to end the execution as aborted.
   */
  readonly gather?: () => Promise<string[]>;
  /** Called once the execution has finished, however it ended. */
  readonly onFinished?: (execution: Execution) => void;
  /**
   * A source that registers `count` functions gets these ids for them, the same on every shard, as
   * RedisGears gives one id to a registration across its cluster.
   */
  readonly registrationIds?: (count: number) => Promise<readonly string[]>;
}

/** Engine.run's options: RG.JSEXECUTE's, closed (a misspelt one does not compile). */
export interface RunOptions<U extends boolean | undefined = boolean | undefined> extends Omit<
  ExecuteOptions,
  'unblocking' | 'distributed'
> {
  /** Answer the execution id at once (for getresults) instead of the results. */
  readonly unblocking?: U;
}

/**
 * What Engine.run answers, as the client's jsexecute does: the typed results (empty for a
 * registration), or the execution id when `unblocking` is true (either, when that is not known).
 */
export type RunReply<T, U extends boolean | undefined> = [U] extends [true]
  ? string
  : [U] extends [false | undefined]
    ? ExecutionResult<T>
    : string | ExecutionResult<T>;

export type ExecuteOutcome =
  | { readonly kind: 'results'; readonly results: unknown[]; readonly errors: string[] }
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'registered'; readonly session: string; readonly ids: string[] };

const EMPTY_REPORT = { results: [], errors: [], recordsRead: 0, readMs: 0, totalMs: 0, steps: [] };

// Same parameter list as the worker compiles with, so a source that declares a name the runtime
// provides fails here exactly as it would there.
const GLOBAL_NAMES = Object.keys(
  createRuntime({
    redis: { call: async () => null },
    transactions: { call: async () => null, execTransaction: async () => [] },
    lowestSlot: () => 0,
    config: () => ({}),
    log: () => undefined,
    onClose: () => undefined,
  }),
);

/**
 * The engine of one shard: takes gear function sources, runs them on worker threads against the
 * shard's Redis, and keeps the executions list. The gears server and embedded mode both drive it.
 */
export class Engine {
  readonly config: GearsConfig;
  readonly executions: Executions;
  readonly requirements: Requirements;
  readonly registrations: Registrations;
  private readonly log: Logger;
  private readonly redis: Redis;
  private readonly health: RedisHealth;
  private identity: ShardIdentity = { shardId: STANDALONE_SHARD_ID, clusterMode: false, keyTag: '' };
  private pool!: WorkerPool;
  private sequence = 0;
  private readonly abortReasons = new Map<string, string>();
  private peakHeap = 0;
  private standingBy: boolean;

  private constructor(private readonly options: EngineOptions) {
    this.standingBy = options.standby === true;
    this.config = new GearsConfig(options.config);
    this.executions = new Executions(() => this.config.get('MaxExecutions'));
    this.requirements = new Requirements(options.requirementsDir);
    this.config.onChange((name) => name === 'MaxExecutions' && this.executions.trim());
    this.log = options.logger ?? childLogger('engine');
    registerRedisTls(options.redisUrl, options.redisTls);
    this.redis = new Redis(options.redisUrl, {
      ...tlsOptionsFor(options.redisUrl),
      maxRetriesPerRequest: 1,
      connectionName: 'gearbox-engine',
      retryStrategy: reconnectDelay,
      lazyConnect: true,
    });
    this.health = new RedisHealth(this.redis, redisAddress(options.redisUrl), this.log);
    this.registrations = new Registrations({
      redisUrl: options.redisUrl,
      db: this.redis.options.db ?? 0,
      pool: () => this.pool,
      config: this.config,
      executions: this.executions,
      nextId: () => `${this.shardId}-${this.sequence++}`,
      reserveId: (id) => {
        const n = Number(id.slice(id.lastIndexOf('-') + 1));
        if (Number.isInteger(n) && n >= this.sequence) this.sequence = n + 1;
      },
      installRequirements: async (specs) => {
        if (specs.length) await this.requirements.install(specs);
      },
      redis: this.redis,
      keyTag: () => this.identity.keyTag,
      log: this.log,
    });
  }

  /**
   * Connects to Redis and starts the execution threads, resolving once their links to Redis are set up.
   * A Redis that is down is waited for, not fatal.
   */
  static async start(options: EngineOptions): Promise<Engine> {
    if (options.logLevel) preferLogLevel(options.logLevel);
    const engine = new Engine(options);
    try {
      await engine.redis.connect();
      engine.identity = await readIdentity(engine.redis);
    } catch (err) {
      const address = redisAddress(options.redisUrl);
      const message = (err as Error).message;
      // the health's reason (ECONNREFUSED, say) rather than ioredis' "Connection is closed."
      engine.log.warn(credentialsHint(message, address) ?? `${engine.health.describe()}; will retry until it is up`);
      engine.redis.once('ready', () => void engine.refreshIdentity());
    }
    engine.startPool();
    if (!options.standby) {
      // registrations stored by an earlier gears server on this Redis come back with their ids
      if (engine.redis.status === 'ready') await engine.registrations.restore();
      else engine.redis.once('ready', () => void engine.registrations.restore());
    }
    await engine.pool.linked();
    return engine;
  }

  /**
   * This engine's Redis was promoted from replica to primary: the shard's identity (its hash tag) is
   * read again, and the registrations its former primary's gears server stored, which replicated
   * here, are restored with their ids and go on from the stream positions kept in Redis.
   */
  async takeOver(): Promise<void> {
    this.standingBy = false;
    await this.refreshIdentity();
    await this.registrations.restore();
  }

  /** Whether the registrations are live: false while standing by (from the start or after `standDown()`). */
  get active(): boolean {
    return !this.standingBy;
  }

  /**
   * This engine's Redis became a replica: its registrations stop taking events (the promoted
   * replica's gears server fires them now); what is stored in Redis, and the stream consumer
   * groups, stay for that server.
   */
  standDown(): void {
    this.standingBy = true;
    this.registrations.standDown();
  }

  get shardId(): string {
    return this.identity.shardId;
  }

  get clusterMode(): boolean {
    return this.identity.clusterMode;
  }

  /** RG.JSEXECUTE: runs a source; blocking callers get results and errors, UNBLOCKING ones an execution id. */
  async execute(source: string, options: ExecuteOptions = {}): Promise<ExecuteOutcome> {
    await this.check(source, options);
    if (options.requirements?.length) await this.requirements.install(options.requirements);
    const distributed = options.distributed;
    const execution = new Execution(distributed?.id ?? this.nextExecutionId(), options.unblocking === true);
    const sessionKey = this.registrations.newSessionKey();
    let sourceError: string | undefined;
    let installed: Promise<ExecuteOutcome> | undefined;
    this.executions.add(execution);
    const complete = (report: RunReport) => {
      if (!distributed?.gather) return execution.complete(report);
      distributed.gather().then(
        (errors) => execution.complete({ ...report, errors: [...report.errors, ...errors] }),
        (err: Error) => execution.abort(err.message),
      );
    };
    this.pool.submit(
      {
        type: 'run',
        executionId: execution.id,
        source,
        config: this.config.snapshot(),
        sessionKey,
        distribution: distributed?.job,
      },
      {
        onMessage: (message, thread) => {
          if (message.type === 'started') execution.start(message.steps);
          else if (message.type === 'progress') execution.recordsRead = message.recordsRead;
          else if (message.type === 'done') complete(message.report);
          else if (message.type === 'aborted') execution.abort(message.message);
          else if (message.type === 'registered') {
            const loaded = {
              source,
              requirements: options.requirements ?? [],
              key: sessionKey,
              thread,
              plans: message.plans,
            };
            const agreed = distributed?.registrationIds?.(message.plans.length);
            const given = agreed?.then((ids) => ({ ids, paused: [], unregistered: [] }));
            installed = this.registrations
              .install(loaded, options.session, options.upgrade === true, given)
              .then((s) => ({ kind: 'registered', session: s.name, ids: s.registrations.map((r) => r.id) }));
            installed.then(
              () => execution.complete(EMPTY_REPORT),
              (err: Error) => execution.fail(err.message),
            );
          } else if (message.type === 'failed') {
            sourceError = message.message;
            execution.fail(message.message);
          }
        },
        onLost: (reason) => execution.abort(reason === 'aborted' ? this.abortReasons.get(execution.id) : reason),
      },
    );
    void execution.whenFinished().then(() => {
      this.abortReasons.delete(execution.id);
      distributed?.onFinished?.(execution);
    });
    if (options.unblocking) return { kind: 'id', id: execution.id };
    const stop = () => !execution.finished && this.abort(execution.id);
    options.signal?.addEventListener('abort', stop, { once: true });
    await execution.whenFinished();
    options.signal?.removeEventListener('abort', stop);
    this.executions.delete(execution.id);
    if (sourceError !== undefined) throw new GearsError(sourceError);
    if (installed) return installed;
    return { kind: 'results', results: execution.results, errors: execution.errors };
  }

  /**
   * Embedded mode's way to run a GearFunction built in the application (an immutable function, a
   * GB builder or a withParams function): it travels as source, as it would to a gears server, so a
   * callback capturing an outer variable is refused here too. An open function is closed with a
   * plain run(), so its records arrive as strings (convertToStr). The function's requirements are
   * installed first. Results are typed as the client's `gears.jsexecute(fn)` types them.
   */
  async run<U extends boolean | undefined = undefined>(
    fn: OpenGearFunction<any, any> | GearsBuilder<any, any>,
    options?: RunOptions<U>,
  ): Promise<RunReply<string, U>>;
  async run<T, U extends boolean | undefined = undefined>(
    fn: ClosedGearFunction<T> | ParametrizedFunction<T>,
    options?: RunOptions<U>,
  ): Promise<RunReply<T, U>>;
  async run(fn: unknown, options: RunOptions = {}): Promise<string | ExecutionResult<unknown>> {
    const { source, requirements } = runnable(fn);
    const specs = [...new Set([...requirements, ...(options.requirements ?? [])])];
    const outcome = await this.execute(source, { ...options, requirements: specs });
    if (outcome.kind === 'id') return outcome.id;
    if (outcome.kind === 'registered') return new ExecutionResult([]);
    return new ExecutionResult(outcome.results, outcome.errors);
  }

  /** Refuses what cannot run (a source that does not parse, no Redis, a full queue, a bad session) before anything does. */
  async check(source: string, options: Pick<ExecuteOptions, 'session' | 'upgrade'> = {}): Promise<void> {
    try {
      compileSource(source, GLOBAL_NAMES);
    } catch (err) {
      throw new GearsError((err as Error).message);
    }
    await this.health.ready();
    this.assertQueueRoom();
    this.registrations.checkName(options.session, options.upgrade === true);
  }

  /** The execution, or a GearsError worded as RedisGears words it. */
  find(id: string, missing = 'execution plan does not exist'): Execution {
    const execution = this.executions.get(id);
    if (!execution) throw new GearsError(missing);
    return execution;
  }

  results(id: string): Execution {
    const execution = this.find(id);
    if (!execution.finished) throw new GearsError('execution is still running');
    return execution;
  }

  async resultsBlocking(id: string, signal?: AbortSignal): Promise<Execution> {
    const execution = this.find(id);
    if (!execution.finished) {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(new GearsError('the client went away'));
        signal?.addEventListener('abort', onAbort, { once: true });
        void execution.whenFinished().then(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    }
    return execution;
  }

  /** A fresh execution id: this shard's id and a sequence number, as RedisGears names them. */
  nextExecutionId(): string {
    return `${this.shardId}-${this.sequence++}`;
  }

  /** Stops a running execution; `reason` becomes its error (default: RedisGears' wording). */
  abort(id: string, reason?: string): void {
    const execution = this.find(id, 'execution does not exist');
    if (execution.finished)
      throw new GearsError(`execution ${id} has already finished (${execution.status}); nothing to abort`);
    if (reason !== undefined) this.abortReasons.set(id, reason);
    if (!this.pool.abort(id)) execution.abort(reason);
  }

  drop(id: string): void {
    const execution = this.find(id);
    if (!execution.finished) throw new GearsError('can not drop a not yet finished execution, abort it first.');
    this.executions.delete(id);
  }

  /** Memory of the JavaScript runtime, in RG.PYSTATS' terms. */
  stats(): { TotalAllocated: number; PeakAllocated: number; CurrAllocated: number } {
    const heap = getHeapStatistics();
    this.peakHeap = Math.max(this.peakHeap, heap.used_heap_size);
    return { TotalAllocated: heap.total_heap_size, PeakAllocated: this.peakHeap, CurrAllocated: heap.used_heap_size };
  }

  async close(): Promise<void> {
    this.registrations.close();
    await this.pool.close();
    this.health.stop();
    this.redis.disconnect();
  }

  private startPool(): void {
    this.pool = new WorkerPool(
      this.config.get('ExecutionThreads'),
      {
        redisUrl: this.options.redisUrl,
        shardId: this.shardId,
        lowestSlot: 0,
        clusterMode: this.clusterMode,
        requirementsDir: this.requirements.dir,
        maxMemoryMb: this.config.get('ExecutionMaxMemory'),
        redisTls: this.options.redisTls,
      },
      (message: FromWorker & { type: 'log' }) =>
        this.log[message.level]({ execution: message.executionId }, message.message),
    );
    this.pool.onRespawn = (thread) => this.registrations.respawned(thread);
  }

  /**
   * Reads the shard's identity again: after a promotion, or a resharding that moved the shard's lowest
   * slot (its hash tag, under which its own keys live, changes then; the stored registrations are
   * written under the new tag within a second, src/engine/registrations/store.ts).
   */
  async refreshIdentity(): Promise<void> {
    try {
      const identity = await readIdentity(this.redis);
      const same = identity.shardId === this.identity.shardId;
      this.identity = identity; // the key tag changes when a replica is promoted, the shard id does not
      if (same) return;
      await this.pool.close();
      this.startPool();
      for (let thread = 0; thread < this.pool.size; thread++) this.registrations.respawned(thread);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'cannot read the shard identity');
    }
  }

  /** Submissions wait for a free execution thread in a bounded queue, so a flood cannot grow memory. */
  private assertQueueRoom(): void {
    const max = this.config.get('MaxQueuedExecutions');
    if (this.pool.queued >= max)
      throw new GearsError(
        `${this.pool.queued} executions are already waiting for an execution thread (MaxQueuedExecutions ${max}): ` +
          'retry later, or raise it with RG.CONFIGSET MaxQueuedExecutions',
      );
  }
}

/** The source and requirements of a GearFunction object; an open one is closed with run(). */
function runnable(fn: unknown): { source: string; requirements: readonly string[] } {
  if (fn instanceof ParametrizedFunction) return { source: fn.toSource(), requirements: fn.requirements };
  const open = fn instanceof GearsBuilder ? fn.gearfunction : fn;
  const closed = open instanceof OpenGearFunction ? (open.run() as unknown) : open;
  if (!(closed instanceof ClosedGearFunction)) {
    throw new GearsError(
      'Engine.run takes a GearFunction object (KeysReader()..., GB(...), withParams(...)); for source text use Engine.execute',
    );
  }
  return { source: toSource(closed), requirements: closed.requirements };
}
