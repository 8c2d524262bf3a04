// A gears server's place in a Redis Cluster, as the server and the CLI see it: one object whose parts
// each have one reason to change (membership.ts follows the Redis role and the topology, batches.ts
// spreads RG.JSEXECUTE, events.ts spreads event executions, queries.ts answers peers, messaging.ts
// sends). Here they are wired together and the inbox's messages routed to them. Outside a cluster
// everything goes to the engine as is.
import type { Cluster, Redis } from 'ioredis';
import {
  redactUrl,
  type Engine,
  type ExecuteOptions,
  type ExecuteOutcome,
  type StatsView,
  type TriggerOutcome,
} from '../engine/index.js';
import { childLogger, type Logger } from '../log/logger.js';
import type { Listening } from './addresses.js';
import { BatchExecutions } from './batches.js';
import { SpreadEvents } from './events.js';
import { clusterInfo, type ClusterInfo } from './info.js';
import { localLink } from './links.js';
import { Membership, type ClusterOptions } from './membership.js';
import type { ListedExecution, Message, RegistryOp } from './messages.js';
import { Messaging } from './messaging.js';
import { newRunId } from './presence.js';
import { PeerQueries, type ShardExecution } from './queries.js';
import { ClusterRegistrations } from './registrations.js';
import { PeerRequests } from './requests.js';
import { ReplicaError } from './role.js';
import { Runs } from './runs.js';
import type { Topology } from './topology.js';
import { triggerOnKey } from './trigger.js';

export class GearsCluster {
  private readonly runId = newRunId();
  private readonly messaging: Messaging;
  private readonly membership: Membership;
  private readonly requests: PeerRequests;
  private readonly runs: Runs;
  private readonly batches: BatchExecutions;
  private readonly events: SpreadEvents;
  private readonly queries: PeerQueries;
  private registrations: ClusterRegistrations | undefined;

  private constructor(
    private readonly engine: Engine,
    options: ClusterOptions,
    redis: Redis,
    private readonly log: Logger,
  ) {
    const messaging = new Messaging(log);
    const place = new Membership(
      engine,
      options,
      redis,
      this.runId,
      messaging,
      {
        started: (cluster) => this.started(cluster),
        adopt: () => this.registrations?.adopt() ?? Promise.resolve(),
        handle: (message, tag) => this.handle(message, tag),
      },
      log,
    );
    this.messaging = messaging;
    this.membership = place;
    this.requests = new PeerRequests(
      () => place.myId,
      (to, message) => messaging.post(to, message),
      () => engine.config.get('ExecutionMaxIdleTime'),
    );
    this.runs = new Runs(engine, place, messaging, options.redisUrl);
    this.batches = new BatchExecutions(engine, place, this.runs, messaging, () => this.registrations!);
    this.events = new SpreadEvents(engine, place, this.runs, messaging);
    this.queries = new PeerQueries(engine, place, this.requests, messaging, () => this.registrations);
  }

  /**
   * Attaches to the Redis the engine runs on. In a cluster: checks it is a primary, reads the
   * topology, starts the heartbeat and the inbox. Outside one, only the primary check applies.
   */
  static async attach(engine: Engine, options: ClusterOptions): Promise<GearsCluster> {
    const redis = localLink(options.redisUrl, 'gearbox-cluster');
    const log = options.logger ?? childLogger('cluster');
    const gears = new GearsCluster(engine, options, redis, log);
    const join = () => gears.membership.join();
    try {
      await join();
    } catch (err) {
      if (err instanceof ReplicaError) {
        await gears.close();
        throw err;
      }
      // Redis is not there yet: join once it is. The engine has already said so, with what to do
      // (src/engine/engine.ts); ioredis' own words are for debugging only
      log.debug(
        { err: (err as Error).message },
        `cannot reach Redis at ${redactUrl(options.redisUrl)} yet; will retry`,
      );
      redis.once('ready', () => void join().catch((e: Error) => log.error({ err: e.message }, 'cannot join')));
    }
    return gears;
  }

  get enabled(): boolean {
    return this.membership.topology !== undefined;
  }

  /** While the Redis beside this server is a replica: its primary's address (writes are refused, naming it). */
  get standingBy(): string | undefined {
    return this.membership.standingBy;
  }

  /** Reads the topology from Redis again (RG.REFRESHCLUSTER, and every few seconds). */
  refresh(): Promise<Topology> {
    return this.membership.refresh();
  }

  /** Tells clients where this gears server listens (RG.INFOCLUSTER's gearsAddress); kept up on every refresh. */
  listeningOn(listening: Listening): Promise<void> {
    return this.membership.listeningOn(listening);
  }

  /** RG.INFOCLUSTER's content; null outside a cluster. */
  async info(): Promise<ClusterInfo | null> {
    const cluster = this.membership.cluster;
    if (!this.membership.topology || !cluster) return null;
    return clusterInfo(await this.membership.refresh(), cluster, this.runId, (id) => this.messaging.pendingTo(id));
  }

  /** RG.JSEXECUTE: in a cluster the source runs on every shard under one execution id. */
  execute(source: string, options: ExecuteOptions = {}): Promise<ExecuteOutcome> {
    return this.batches.execute(source, options);
  }

  /** RG.UNREGISTER, RG.PAUSEREGISTRATIONS, RG.UNPAUSEREGISTRATIONS: on every shard. */
  registry(op: RegistryOp, ids: readonly string[]): Promise<void> {
    return this.registrations!.everywhere(op, ids);
  }

  /** RG.TRIGGERONKEY: runs the trigger on the shard that owns the key (`args[0]`). */
  triggerOnKey(name: string, args: readonly string[]): Promise<TriggerOutcome> {
    return triggerOnKey(this.engine, this.membership, this.requests, name, args);
  }

  /** RG.DUMPREGISTRATIONS CLUSTER: every other shard's counters, by registration id. */
  peerCounters(): Promise<Map<string, StatsView[]>> {
    return this.registrations!.theirs();
  }

  /** RG.DUMPEXECUTIONS CLUSTER: the executions of every other shard (those that answer). */
  peerExecutions(): Promise<ListedExecution[][]> {
    return this.queries.peerExecutions();
  }

  /** RG.GETEXECUTION <id> CLUSTER: every shard's view of the execution (shards that do not know it are left out). */
  describe(id: string): Promise<ShardExecution[]> {
    return this.queries.describe(id);
  }

  async close(): Promise<void> {
    this.engine.registrations.distributor = undefined;
    await this.membership.close();
  }

  /** The cluster was found: registrations and event executions span it from now on. */
  private started(cluster: Cluster): void {
    const membership = this.membership;
    this.registrations = new ClusterRegistrations(
      this.engine,
      {
        servedPeers: () => membership.servedPeers(),
        peers: () => membership.peers(),
        ask: (peer, query) => this.requests.ask(peer, query),
        redis: cluster,
      },
      this.log,
    );
    this.engine.registrations.distributor = { begin: (id) => this.events.beginEvent(id) };
  }

  private handle(message: Message, tag: string): void {
    switch (message.type) {
      case 'run':
        return void this.batches.runForPeer(message, tag);
      case 'event':
        return void this.events.eventForPeer(message);
      case 'accepted':
        return this.runs.accepted(message);
      case 'done':
        return this.runs.done(message);
      case 'abort':
        this.batches.aborted(message.id, message.reason);
        return this.runs.stop(message.id, message.reason);
      case 'ids':
        return this.batches.idsGiven(message);
      case 'ask':
        return void this.queries.reply(message);
      case 'answer':
        return this.requests.answered(message);
    }
  }
}
