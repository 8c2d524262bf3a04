// A gears server's place in a Redis Cluster: learns the topology from Redis, keeps a heartbeat,
// reads its inbox, fans executions out to the other shards and answers theirs. Outside a cluster
// it hands everything to the engine as is.
import calculateSlot from 'cluster-key-slot';
import type { Cluster, Redis } from 'ioredis';
import {
  GearsError,
  type Engine,
  type ExecuteOptions,
  type ExecuteOutcome,
  type ExecutionSummary,
  type JobDistribution,
  type SpreadEvent,
  type StatsView,
  type TriggerOutcome,
} from '../engine/index.js';
import { childLogger, type Logger } from '../log/logger.js';
import { announce, announced, readAddresses, type Listening } from './addresses.js';
import type { ExchangeSetup } from './exchange.js';
import { clusterLink, localLink } from './links.js';
import { Mailbox } from './mailbox.js';
import type {
  ListedExecution,
  Message,
  Query,
  RegistryOp,
  RunPlan,
  ShardRegistration,
  TriggerAnswer,
} from './messages.js';
import { ClusterRegistrations } from './registrations.js';
import { Rendezvous } from './rendezvous.js';
import { PeerRequests } from './requests.js';
import { BEAT_MS, Heartbeat, newRunId, readRunIds } from './presence.js';
import { readRole, replicaRefusal, ReplicaError, standbyRefusal, type RedisRole } from './role.js';
import { PeerTracker } from './tracker.js';
import {
  describeShard,
  highestSlot,
  lowestSlot,
  parseClusterNodes,
  shardAddress,
  SlotMap,
  type Shard,
  type Topology,
} from './topology.js';

const EXCHANGE_MODULE = new URL('./exchange.js', import.meta.url).href;
/** How often the role of the Redis beside this server is read: a failover is acted on within this. */
const ROLE_MS = 500;
/** The topology is read every this many role reads (2 s), and at once when the role changed. */
const TOPOLOGY_EVERY = 4;
/** How long a shard waits for the ids of what a source registered while the originator evaluates it. */
const IDS_WAIT_MS = 60_000;
/** How long RG.TRIGGERONKEY waits for the shard owning the key to run the trigger. */
const TRIGGER_WAIT_MS = 5 * 60_000;

export interface ClusterOptions {
  readonly redisUrl: string;
  readonly logger?: Logger;
  /** `gearbox serve --standby`: may start beside a replica, standing by to take over its shard. */
  readonly standby?: boolean;
}

export interface ShardInfo {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly runId: string | null;
  readonly minSlot: number;
  readonly maxSlot: number;
  readonly pendingMessages: number;
  /** host:port where clients reach this shard's gears server (gearbox's addition to RedisGears' shape). */
  readonly gearsAddress: string | null;
}

export interface ClusterInfo {
  readonly myId: string;
  readonly myRunId: string;
  readonly shards: readonly ShardInfo[];
}

export interface ShardExecution {
  readonly shardId: string;
  readonly summary: ExecutionSummary;
}

/**
 * The role of the Redis at `redisUrl`, refusing a replica unless `standby`, before anything starts on
 * it; undefined for a Redis that cannot be reached yet (the engine waits for it, and the role is acted
 * on once it answers).
 */
export async function checkRole(redisUrl: string, standby = false): Promise<RedisRole | undefined> {
  const redis = localLink(redisUrl, 'gearbox-check');
  try {
    const role = await readRole(redis);
    if (role.kind === 'replica' && !standby) throw replicaRefusal(redisUrl);
    return role;
  } catch (err) {
    if (err instanceof ReplicaError) throw err;
    return undefined;
  } finally {
    redis.disconnect();
  }
}

export class GearsCluster {
  private topology: Topology | undefined;
  private readonly runId = newRunId();
  private readonly trackers = new Map<string, PeerTracker>();
  private readonly requests = new PeerRequests(
    () => this.myId,
    (to, message) => this.post(to, message),
    () => this.engine.config.get('ExecutionMaxIdleTime'),
  );
  private readonly agreedIds = new Rendezvous<readonly string[]>();
  private registrations: ClusterRegistrations | undefined;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: Heartbeat | undefined;
  private mailbox: Mailbox | undefined;
  private cluster: Cluster | undefined;
  private role: RedisRole = { kind: 'primary' };
  /** The look in progress, if any: looks never pile up behind a Redis that is slow to answer or down. */
  private looking: Promise<void> | undefined;
  private looks = 0;
  private listening: Listening | undefined;

  private constructor(
    private readonly engine: Engine,
    private readonly options: ClusterOptions,
    private readonly redis: Redis,
    private readonly log: Logger,
  ) {}

  /**
   * Attaches to the Redis the engine runs on. In a cluster: checks it is a primary, reads the
   * topology, starts the heartbeat and the inbox. Outside one, only the primary check applies.
   */
  static async attach(engine: Engine, options: ClusterOptions): Promise<GearsCluster> {
    const redis = localLink(options.redisUrl, 'gearbox-cluster');
    const log = options.logger ?? childLogger('cluster');
    const gears = new GearsCluster(engine, options, redis, log);
    try {
      await gears.join();
    } catch (err) {
      if (err instanceof ReplicaError) {
        await gears.close();
        throw err;
      }
      // Redis is not there yet: the engine waits for it too (src/engine/engine.ts), so join once it is
      log.warn({ err: (err as Error).message }, `cannot reach Redis at ${options.redisUrl} yet; will retry`);
      redis.once('ready', () => void gears.join().catch((e: Error) => log.error({ err: e.message }, 'cannot join')));
    }
    return gears;
  }

  private async join(): Promise<void> {
    const role = await readRole(this.redis);
    if (role.kind === 'replica' && !this.options.standby) throw replicaRefusal(this.options.redisUrl);
    if (role.kind === 'replica') this.log.info(`standing by beside a replica of ${role.primary}`);
    if (/cluster_enabled:1/.test(String(await this.redis.info('cluster')))) await this.start();
    await this.become(role);
    // A standalone server not told --standby sends nothing of its own: a ROLE twice a second would
    // show in every MONITOR and SLOWLOG its clients read (README, "What differs from Redis")
    if (!this.topology && !this.options.standby) return;
    this.timer = setInterval(() => void this.look(), ROLE_MS);
    this.timer.unref();
  }

  get enabled(): boolean {
    return this.topology !== undefined;
  }

  /** While the Redis beside this server is a replica: its primary's address (writes are refused, naming it). */
  get standingBy(): string | undefined {
    return this.role.kind === 'replica' ? this.role.primary : undefined;
  }

  /** Whether this server's Redis was promoted or demoted, and every few seconds the topology. */
  private look(): Promise<void> {
    this.looking ??= (async () => {
      try {
        const role = await readRole(this.redis);
        if (this.topology && (role.kind !== this.role.kind || ++this.looks % TOPOLOGY_EVERY === 0))
          await this.refresh();
        await this.become(role);
      } catch (err) {
        this.log.debug({ err: (err as Error).message }, 'cannot read the role or topology; retrying');
      } finally {
        this.looking = undefined;
      }
    })();
    return this.looking;
  }

  /**
   * Brings the engine and this server's place among the cluster's gears servers in line with the role.
   * Promoted: restores the shard's registrations (they replicated here) and joins. Demoted: stops
   * firing registrations and leaves, so the promoted replica's gears server alone acts for the shard.
   */
  private async become(role: RedisRole): Promise<void> {
    this.role = role;
    if (role.kind === 'replica') {
      if (this.engine.active) {
        this.log.warn(`the Redis beside this gears server became a replica of ${role.primary}: standing by`);
        this.engine.standDown();
      }
      await this.leave();
      return;
    }
    if (!this.engine.active) {
      this.log.warn('the Redis beside this gears server is a primary: taking over its shard');
      await this.engine.takeOver();
      this.cluster?.refreshSlotsCache();
    }
    if (this.cluster && !this.mailbox) await this.enter();
  }

  private get myId(): string {
    return this.topology!.myId;
  }

  private get me(): Shard | undefined {
    return this.topology?.shards.find((s) => s.id === this.topology!.myId);
  }

  private async start(): Promise<void> {
    const topology = await this.refresh();
    this.cluster = clusterLink(this.options.redisUrl, topology.shards, 'gearbox-cluster');
    this.registrations = new ClusterRegistrations(
      this.engine,
      {
        servedPeers: () => this.servedPeers(),
        peers: () => this.peers(),
        ask: (peer, query) => this.requests.ask(peer, query),
        redis: this.cluster,
      },
      this.log,
    );
    this.engine.registrations.distributor = { begin: (id) => this.beginEvent(id) };
  }

  /**
   * Joins the cluster's gears servers as its shard's: the inbox position is fixed first, then the
   * heartbeat tells the others this server is there, so every message sent to it from then on is read.
   */
  private async enter(): Promise<void> {
    const mailbox = new Mailbox(
      localLink(this.options.redisUrl, 'gearbox-inbox'),
      this.cluster!,
      () => this.me?.tag,
      () => ({
        retries: this.engine.config.get('SendMsgRetries'),
        idleMs: this.engine.config.get('ExecutionMaxIdleTime'),
      }),
      (message, tag) => this.handle(message, tag),
      this.log,
    );
    try {
      await mailbox.start();
    } catch (err) {
      await mailbox.stop(); // tried again at the next look
      throw err;
    }
    this.mailbox = mailbox;
    this.heartbeat = new Heartbeat(this.redis, this.runId, () => this.me?.tag);
    await this.heartbeat.start();
    // a shard that joins (or a promoted replica that lacks some) takes up the cluster's registrations
    await this.registrations?.adopt();
  }

  /** Leaves the cluster's gears servers: no heartbeat, no inbox; executions in flight are aborted by their shards. */
  private async leave(): Promise<void> {
    await this.heartbeat?.stop();
    await this.mailbox?.stop();
    this.heartbeat = this.mailbox = undefined;
  }

  /** Reads the topology from Redis again (RG.REFRESHCLUSTER, and every few seconds). */
  async refresh(): Promise<Topology> {
    const topology = parseClusterNodes(String(await this.redis.call('CLUSTER', 'NODES')));
    const before = this.topology;
    const tagBefore = this.me?.tag;
    this.topology = topology;
    await this.announce();
    // a primary that just got its first slots (it joined the cluster) takes up the cluster's registrations
    if (tagBefore === undefined && this.me && this.registrations && this.engine.active)
      void this.registrations.adopt().catch(() => undefined);
    if (!before || layout(before) === layout(topology)) return topology;
    // the cluster client learns of a failover or a resharding from MOVED too; this spares the first miss
    this.cluster?.refreshSlotsCache();
    // a resharding moved this shard's lowest slot: its own keys (stored registrations) go under the new tag
    if (this.engine.active && this.me && this.me.tag !== tagBefore) void this.engine.refreshIdentity();
    return topology;
  }

  /** Tells clients where this gears server listens (RG.INFOCLUSTER's gearsAddress); kept up on every refresh. */
  async listeningOn(listening: Listening): Promise<void> {
    this.listening = listening;
    await this.announce();
  }

  private async announce(): Promise<void> {
    const me = this.me;
    if (me && this.listening) await announce(this.redis, me.tag, announced(this.listening, me));
  }

  /** RG.INFOCLUSTER's content; null outside a cluster. */
  async info(): Promise<ClusterInfo | null> {
    if (!this.topology || !this.cluster) return null;
    const { shards, myId } = await this.refresh();
    const [runIds, addresses] = await Promise.all([
      readRunIds(this.cluster, shards),
      readAddresses(this.cluster, shards),
    ]);
    return {
      myId,
      myRunId: this.runId,
      shards: shards.map((s) => ({
        id: s.id,
        host: s.host,
        port: s.port,
        runId: runIds.get(s.id) ?? null,
        minSlot: lowestSlot(s),
        maxSlot: highestSlot(s),
        pendingMessages: this.mailbox?.pendingTo(s.id) ?? 0,
        gearsAddress: addresses.get(s.id) ?? null,
      })),
    };
  }

  /** RG.JSEXECUTE: in a cluster the source runs on every shard under one execution id. */
  async execute(source: string, options: ExecuteOptions = {}): Promise<ExecuteOutcome> {
    if (this.standingBy) throw new GearsError(standbyRefusal(this.standingBy));
    if (!this.topology) return this.engine.execute(source, options);
    await this.engine.check(source, options);
    const { topology, runIds } = await this.served();
    const {
      plan,
      peers,
      tracker,
      end: ended,
    } = this.track(topology, runIds, (id, reason) => this.abortLocal(id, reason));
    try {
      const { requirements, session, upgrade } = options;
      const message: Message = { type: 'run', from: this.myId, plan, source, requirements, session, upgrade };
      await Promise.all(peers.map((peer) => this.mailbox!.send(peer, message)));
      const outcome = await this.engine.execute(source, {
        ...options,
        distributed: {
          id: plan.id,
          job: this.jobFor(plan),
          gather: () => tracker.wait(),
          registrationIds: (count) => this.giveIds(plan, peers, count),
          onFinished: (execution) => {
            // a source that only registers ends here at once while the others still install it: only a
            // failure here stops them
            if (execution.status === 'aborted' || execution.failed)
              ended(execution.errors.at(-1) ?? 'the originating shard ended the execution');
            else if (tracker.pending.length === 0) this.forget(plan.id, tracker);
          },
        },
      });
      if (outcome.kind === 'registered') {
        // registered here: reply once every shard has its registrations too, or take them back everywhere
        await tracker
          .wait()
          .catch(async (err: Error) => {
            await this.registrations!.withdraw(outcome.ids);
            throw new GearsError(
              `${err.message}; the registrations were removed again from the shards that had installed them`,
            );
          })
          .finally(() => this.forget(plan.id, tracker));
      }
      return outcome;
    } catch (err) {
      ended((err as Error).message);
      throw err instanceof GearsError ? err : new GearsError((err as Error).message);
    }
  }

  /**
   * The topology and every shard's gears server run id, or a GearsError when this server is not on
   * a primary or a primary has no gears server.
   */
  private async served(): Promise<{ topology: Topology; runIds: Map<string, string | null> }> {
    const topology = await this.refresh();
    if (topology.myRole === 'replica' || !this.me)
      throw new GearsError(
        `this gears server's Redis serves no slots as a primary: send the command to a primary's gears server`,
      );
    const runIds = await this.liveRunIds(topology.shards);
    const missing = topology.shards.find((s) => !runIds.get(s.id));
    if (missing)
      throw new GearsError(
        `${describeShard(missing)} has no gears server: start one with \`gearbox serve --redis redis://${shardAddress(missing)}\` (every primary needs one)`,
      );
    return { topology, runIds };
  }

  private async servedPeers(): Promise<Shard[]> {
    await this.served();
    return this.peers();
  }

  private peers(): Shard[] {
    return this.topology?.shards.filter((s) => s.id !== this.myId) ?? [];
  }

  /** The originator names what the source registered, here and on every other shard. */
  private async giveIds(plan: RunPlan, peers: readonly Shard[], count: number): Promise<readonly string[]> {
    const ids = Array.from({ length: count }, () => this.engine.nextExecutionId());
    await Promise.all(peers.map((peer) => this.post(peer, { type: 'ids', from: this.myId, id: plan.id, ids })));
    return ids;
  }

  private async takeIds(plan: RunPlan, count: number): Promise<readonly string[]> {
    const origin = plan.shards.find((s) => s.id === plan.originator)!;
    const ids = await this.agreedIds.take(
      plan.id,
      IDS_WAIT_MS,
      `${describeShard(origin)} sent no ids for the registrations within ${IDS_WAIT_MS} ms`,
    );
    if (ids.length !== count)
      throw new GearsError(
        `the source registered ${count} functions here but ${ids.length} on ${describeShard(origin)}: a source must register the same functions on every shard`,
      );
    return ids;
  }

  /** RG.UNREGISTER, RG.PAUSEREGISTRATIONS, RG.UNPAUSEREGISTRATIONS: on every shard. */
  registry(op: RegistryOp, ids: readonly string[]): Promise<void> {
    return this.registrations!.everywhere(op, ids);
  }

  /**
   * RG.TRIGGERONKEY: runs the trigger on the shard that owns the key (`args[0]`), as a Redis Cluster
   * runs a command on the shard owning its key, wherever it was sent.
   */
  async triggerOnKey(name: string, args: readonly string[]): Promise<TriggerOutcome> {
    const owner = this.topology && new SlotMap(this.topology.shards).owner(calculateSlot(args[0]));
    if (!owner || owner.id === this.myId) return this.engine.registrations.trigger(name, args);
    const answer = await this.requests.ask<TriggerAnswer>(owner, { kind: 'trigger', name, args }, TRIGGER_WAIT_MS);
    if (answer === null)
      throw new GearsError(
        `${describeShard(owner)}, which owns key ${args[0]}, did not answer RG.TRIGGERONKEY within ${TRIGGER_WAIT_MS} ms`,
      );
    if ('error' in answer) throw new GearsError(answer.error);
    return answer;
  }

  /** RG.DUMPREGISTRATIONS CLUSTER: every other shard's counters, by registration id. */
  peerCounters(): Promise<Map<string, StatsView[]>> {
    return this.registrations!.theirs();
  }

  /** RG.DUMPEXECUTIONS CLUSTER: the executions of every other shard (those that answer). */
  async peerExecutions(): Promise<ListedExecution[][]> {
    const answers = await Promise.all(
      this.peers().map((peer) => this.requests.ask<ListedExecution[]>(peer, { kind: 'executions' })),
    );
    return answers.map((a) => a ?? []);
  }

  /**
   * Every shard's gears server run id. A missing one is read again after a heartbeat, since a
   * FLUSHALL removes the keys that the servers write back within a beat.
   */
  private async liveRunIds(shards: readonly Shard[]): Promise<Map<string, string | null>> {
    const runIds = await readRunIds(this.cluster!, shards);
    if (shards.every((s) => runIds.get(s.id))) return runIds;
    await new Promise((r) => setTimeout(r, BEAT_MS + 100));
    return readRunIds(this.cluster!, shards);
  }

  /** RG.GETEXECUTION <id> CLUSTER: every shard's view of the execution (shards that do not know it are left out). */
  async describe(id: string): Promise<ShardExecution[]> {
    const local = this.engine.find(id);
    const mine: ShardExecution = { shardId: this.engine.shardId, summary: local.summary() };
    if (!this.topology) return [mine];
    const peers = this.peers();
    const theirs = await Promise.all(
      peers.map((peer) => this.requests.ask<ExecutionSummary>(peer, { kind: 'execution', id })),
    );
    return [
      mine,
      ...peers.flatMap((peer, i) => {
        const summary = theirs[i];
        return summary ? [{ shardId: peer.id, summary }] : [];
      }),
    ];
  }

  async close(): Promise<void> {
    this.engine.registrations.distributor = undefined;
    clearInterval(this.timer);
    await this.looking;
    await this.leave();
    this.cluster?.disconnect();
    this.redis.disconnect();
  }

  private jobFor(plan: RunPlan): JobDistribution {
    const me = plan.shards.find((s) => s.id === this.myId)!;
    const setup: ExchangeSetup = {
      self: this.myId,
      originator: plan.originator,
      shards: plan.shards,
      runIds: plan.runIds,
      redisUrl: this.options.redisUrl,
      idleMs: this.engine.config.get('ExecutionMaxIdleTime'),
      retries: this.engine.config.get('SendMsgRetries'),
    };
    return { module: EXCHANGE_MODULE, setup, lowestSlot: lowestSlot(me) };
  }

  private handle(message: Message, tag: string): void {
    switch (message.type) {
      case 'run': {
        // after a resharding this shard's inbox may be another shard's former one, which moved here with its
        // slot: a run it holds for this shard under another tag was meant for someone else, long ago
        const mine = message.plan.shards.find((s) => s.id === this.myId);
        if (mine && mine.tag !== tag) return;
        return void this.runForPeer(message);
      }
      case 'event':
        return void this.eventForPeer(message);
      case 'accepted':
        return this.trackers.get(message.id)?.accept(message.from);
      case 'done':
        return this.trackers.get(message.id)?.report(message);
      case 'abort':
        this.agreedIds.fail(message.id, message.reason);
        if (this.engine.executions.get(message.id)) return this.abortLocal(message.id, message.reason);
        return this.engine.registrations.stopSpread(message.id);
      case 'ids':
        return this.agreedIds.give(message.id, message.ids);
      case 'ask':
        return void this.reply(message);
      case 'answer':
        return this.requests.answered(message);
    }
  }

  private async reply(message: Extract<Message, { type: 'ask' }>): Promise<void> {
    const answer = await this.answer(message.query);
    const to = this.topology?.shards.find((s) => s.id === message.from);
    if (to) await this.post(to, { type: 'answer', from: this.myId, request: message.request, answer });
  }

  private async answer(query: Query): Promise<unknown> {
    switch (query.kind) {
      case 'trigger':
        return this.engine.registrations.trigger(query.name, query.args).then(
          (outcome): TriggerAnswer => outcome,
          (err: Error): TriggerAnswer => ({ error: err.message }),
        );
      case 'execution':
        return this.engine.executions.get(query.id)?.summary() ?? null;
      case 'executions':
        return this.engine.executions
          .list()
          .map((e): ListedExecution => ({ id: e.id, status: e.status, registered: e.registered }));
      case 'registrations':
        return this.registrations?.local() ?? ([] satisfies ShardRegistration[]);
      case 'registry':
        return this.registrations?.answerRegistry(query.op, query.ids) ?? { error: 'not in a cluster yet' };
    }
  }

  /**
   * A new execution id and plan over `topology`, and the tracker that watches the other shards; `end`
   * stops watching and tells the shards still at it to stop.
   */
  private track(
    topology: Topology,
    runIds: ReadonlyMap<string, string | null>,
    onFailure: (id: string, reason: string) => void,
  ): { plan: RunPlan; peers: Shard[]; tracker: PeerTracker; end: (reason: string) => void } {
    const plan: RunPlan = {
      id: this.engine.nextExecutionId(),
      originator: topology.myId,
      shards: topology.shards,
      runIds: Object.fromEntries(runIds) as Record<string, string>,
    };
    const peers = plan.shards.filter((s) => s.id !== plan.originator);
    const idle = this.engine.config.get('ExecutionMaxIdleTime');
    const tracker = new PeerTracker(peers, plan.runIds, this.cluster!, idle, (reason) => onFailure(plan.id, reason));
    this.trackers.set(plan.id, tracker);
    const end = (reason: string) => {
      const pending = tracker.pending;
      this.forget(plan.id, tracker);
      for (const peer of pending) void this.post(peer, { type: 'abort', from: this.myId, id: plan.id, reason });
    };
    return { plan, peers, tracker, end };
  }

  /** How this shard tells the originator of `plan` that its part ended. */
  private reporter(plan: RunPlan) {
    const origin = plan.shards.find((s) => s.id === plan.originator)!;
    return (status: Extract<Message, { type: 'done' }>['status'], errors: readonly string[]) =>
      this.post(origin, { type: 'done', from: this.myId, id: plan.id, status, errors });
  }

  /**
   * One execution of a `mode: 'async'` registration whose steps move records, begun here by an
   * event: every other shard takes part with the records the steps move to it.
   */
  private async beginEvent(registration: string): Promise<SpreadEvent> {
    const topology = this.topology!;
    const runIds = await this.liveRunIds(topology.shards);
    const missing = topology.shards.find((s) => !runIds.get(s.id));
    if (missing)
      throw new GearsError(`${describeShard(missing)} has no gears server, so the execution cannot span the cluster`);
    // a shard that failed or went away will never send this shard's part what it waits for: it stops
    // (its thread with it), and gather() names the shard
    const { plan, peers, tracker, end } = this.track(topology, runIds, (id) =>
      this.engine.registrations.stopSpread(id),
    );
    try {
      await Promise.all(
        peers.map((peer) => this.mailbox!.send(peer, { type: 'event', from: this.myId, plan, registration })),
      );
    } catch (err) {
      end((err as Error).message);
      throw err;
    }
    return {
      id: plan.id,
      job: this.jobFor(plan),
      gather: () => tracker.wait().finally(() => this.forget(plan.id, tracker)),
      end,
    };
  }

  private async eventForPeer(message: Extract<Message, { type: 'event' }>): Promise<void> {
    const { plan } = message;
    const report = this.reporter(plan);
    void this.post(
      plan.shards.find((s) => s.id === plan.originator)!,
      { type: 'accepted', from: this.myId, id: plan.id },
    );
    try {
      await report(
        'done',
        await this.engine.registrations.participate(message.registration, plan.id, this.jobFor(plan)),
      );
    } catch (err) {
      await report('failed', [(err as Error).message]);
    }
  }

  /** This shard's part of an execution another shard started; its end is reported back there. */
  private async runForPeer(message: Extract<Message, { type: 'run' }>): Promise<void> {
    const { plan } = message;
    const origin = plan.shards.find((s) => s.id === plan.originator)!;
    const report = this.reporter(plan);
    if (!plan.shards.some((s) => s.id === this.myId))
      return report('failed', [`shard ${this.myId} is not a primary of the cluster any more`]);
    try {
      void this.post(origin, { type: 'accepted', from: this.myId, id: plan.id });
      await this.engine.execute(message.source, {
        unblocking: true,
        requirements: message.requirements,
        session: message.session,
        upgrade: message.upgrade,
        distributed: {
          id: plan.id,
          job: this.jobFor(plan),
          onFinished: (execution) => void report(execution.failed ? 'failed' : execution.status, execution.errors),
          registrationIds: (count) => this.takeIds(plan, count),
        },
      });
    } catch (err) {
      await report('failed', [(err as Error).message]);
    }
  }

  private forget(id: string, tracker: PeerTracker): void {
    this.trackers.delete(id);
    tracker.end();
  }

  private abortLocal(id: string, reason: string): void {
    const execution = this.engine.executions.get(id);
    if (execution && !execution.finished) this.engine.abort(id, reason);
  }

  /** Sends without failing the caller: a shard that cannot be reached is found out by its silence. */
  private async post(shard: Shard, message: Message): Promise<void> {
    try {
      await this.mailbox?.send(shard, message);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, `cannot send a ${message.type} message`);
    }
  }
}

/** Which primary serves which slots, as text, to see a change. */
function layout(topology: Topology): string {
  return topology.shards.map((s) => `${s.id}@${shardAddress(s)}:${s.slots.join(' ')}`).join(';');
}
