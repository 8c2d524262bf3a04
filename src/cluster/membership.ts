// Following the Redis beside this gears server: whether it is a primary or a replica (ROLE, read
// twice a second), in a cluster the topology (every few seconds), and this server's place among the
// cluster's gears servers: heartbeat and inbox while its Redis is a primary, neither while it is a
// replica. The other parts of src/cluster read where this server stands through Place.
import type { Cluster, Redis } from 'ioredis';
import { GearsError, type Engine } from '../engine/index.js';
import type { Logger } from '../log/logger.js';
import { announce, announced, type Listening } from './addresses.js';
import { clusterLink, localLink } from './links.js';
import { Mailbox } from './mailbox.js';
import type { Message } from './messages.js';
import type { Inbox } from './messaging.js';
import { Heartbeat, liveRunIds } from './presence.js';
import { readRole, replicaRefusal, type RedisRole } from './role.js';
import { describeShard, parseClusterNodes, shardAddress, type Shard, type Topology } from './topology.js';

/** How often the role of the Redis beside this server is read: a failover is acted on within this. */
const ROLE_MS = 500;
/** The topology is read every this many role reads (2 s), and at once when the role changed. */
const TOPOLOGY_EVERY = 4;

export interface ClusterOptions {
  readonly redisUrl: string;
  readonly logger?: Logger;
  /** `gearbox serve --standby`: may start beside a replica, standing by to take over its shard. */
  readonly standby?: boolean;
}

/** Where this server stands in the cluster, as last read from Redis. */
export interface Place {
  /** The topology; undefined outside a cluster. */
  readonly topology: Topology | undefined;
  /** This server's shard id (in a cluster only). */
  readonly myId: string;
  /** A connection reaching every primary (in a cluster only). */
  readonly cluster: Cluster | undefined;
  /** The other primaries as last read, served or not. */
  peers(): Shard[];
}

/** What the other parts do as this server's membership changes. */
export interface MembershipHooks {
  /** The cluster was found (its first topology is read): `cluster` reaches every primary. */
  started(cluster: Cluster): void;
  /** Installs the registrations the other shards store that this one lacks. */
  adopt(): Promise<void>;
  /** A message read from this server's inbox, found under its shard's hash tag `tag`. */
  handle(message: Message, tag: string): void;
}

export type MemberEngine = Pick<Engine, 'active' | 'standDown' | 'takeOver' | 'refreshIdentity' | 'config'>;

export class Membership implements Place {
  private current: Topology | undefined;
  private link: Cluster | undefined;
  private role: RedisRole = { kind: 'primary' };
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: Heartbeat | undefined;
  /** The look in progress, if any: looks never pile up behind a Redis that is slow to answer or down. */
  private looking: Promise<void> | undefined;
  private looks = 0;
  private listening: Listening | undefined;

  constructor(
    private readonly engine: MemberEngine,
    private readonly options: ClusterOptions,
    private readonly redis: Redis,
    private readonly runId: string,
    private readonly inbox: Inbox,
    private readonly hooks: MembershipHooks,
    private readonly log: Logger,
  ) {}

  get topology(): Topology | undefined {
    return this.current;
  }

  get cluster(): Cluster | undefined {
    return this.link;
  }

  get myId(): string {
    return this.current!.myId;
  }

  private get me(): Shard | undefined {
    return this.current?.shards.find((s) => s.id === this.current!.myId);
  }

  peers(): Shard[] {
    return this.current?.shards.filter((s) => s.id !== this.myId) ?? [];
  }

  /** While the Redis beside this server is a replica: its primary's address (writes are refused, naming it). */
  get standingBy(): string | undefined {
    return this.role.kind === 'replica' ? this.role.primary : undefined;
  }

  async join(): Promise<void> {
    const role = await readRole(this.redis);
    if (role.kind === 'replica' && !this.options.standby) throw replicaRefusal(this.options.redisUrl);
    if (role.kind === 'replica') this.log.info(`standing by beside a replica of ${role.primary}`);
    if (/cluster_enabled:1/.test(String(await this.redis.info('cluster')))) await this.start();
    await this.become(role);
    // A standalone server not told --standby sends nothing of its own: a ROLE twice a second would
    // show in every MONITOR and SLOWLOG its clients read (README, "What differs from Redis")
    if (!this.current && !this.options.standby) return;
    this.timer = setInterval(() => void this.look(), ROLE_MS);
    this.timer.unref();
  }

  /** Whether this server's Redis was promoted or demoted, and every few seconds the topology. */
  private look(): Promise<void> {
    this.looking ??= (async () => {
      try {
        const role = await readRole(this.redis);
        if (this.current && (role.kind !== this.role.kind || ++this.looks % TOPOLOGY_EVERY === 0)) await this.refresh();
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
      this.link?.refreshSlotsCache();
    }
    if (this.link && !this.inbox.reading) await this.enter();
  }

  private async start(): Promise<void> {
    const topology = await this.refresh();
    this.link = clusterLink(this.options.redisUrl, topology.shards, 'gearbox-cluster');
    this.hooks.started(this.link);
  }

  /**
   * Joins the cluster's gears servers as its shard's: the inbox position is fixed first, then the
   * heartbeat tells the others this server is there, so every message sent to it from then on is read.
   */
  private async enter(): Promise<void> {
    await this.inbox.open(
      new Mailbox(
        localLink(this.options.redisUrl, 'gearbox-inbox'),
        this.link!,
        () => this.me?.tag,
        () => ({
          retries: this.engine.config.get('SendMsgRetries'),
          idleMs: this.engine.config.get('ExecutionMaxIdleTime'),
        }),
        (message, tag) => this.hooks.handle(message, tag),
        this.log,
      ),
    );
    this.heartbeat = new Heartbeat(this.redis, this.runId, () => this.me?.tag);
    await this.heartbeat.start();
    // a shard that joins (or a promoted replica that lacks some) takes up the cluster's registrations
    await this.hooks.adopt();
  }

  /** Leaves the cluster's gears servers: no heartbeat, no inbox; executions in flight are aborted by their shards. */
  private async leave(): Promise<void> {
    await this.heartbeat?.stop();
    this.heartbeat = undefined;
    await this.inbox.close();
  }

  /** Reads the topology from Redis again (RG.REFRESHCLUSTER, and every few seconds). */
  async refresh(): Promise<Topology> {
    const topology = parseClusterNodes(String(await this.redis.call('CLUSTER', 'NODES')));
    const before = this.current;
    const tagBefore = this.me?.tag;
    this.current = topology;
    await this.announce();
    // a primary that just got its first slots (it joined the cluster) takes up the cluster's registrations
    if (tagBefore === undefined && this.me && this.link && this.engine.active)
      void this.hooks.adopt().catch(() => undefined);
    if (!before || layout(before) === layout(topology)) return topology;
    // the cluster client learns of a failover or a resharding from MOVED too; this spares the first miss
    this.link?.refreshSlotsCache();
    // a resharding moved this shard's lowest slot: its own keys (stored registrations) go under the new tag
    if (this.engine.active && this.me && this.me.tag !== tagBefore) void this.engine.refreshIdentity();
    return topology;
  }

  /**
   * The topology and every shard's gears server run id, or a GearsError when this server is not on
   * a primary or a primary has no gears server.
   */
  async served(): Promise<{ topology: Topology; runIds: Map<string, string | null> }> {
    const topology = await this.refresh();
    if (topology.myRole === 'replica' || !this.me)
      throw new GearsError(
        `this gears server's Redis serves no slots as a primary: send the command to a primary's gears server`,
      );
    const runIds = await liveRunIds(this.link!, topology.shards);
    const missing = topology.shards.find((s) => !runIds.get(s.id));
    if (missing)
      throw new GearsError(
        `${describeShard(missing)} has no gears server: start one with \`gearbox serve --redis redis://${shardAddress(missing)}\` (every primary needs one)`,
      );
    return { topology, runIds };
  }

  /** The other primaries, each with a live gears server, or a GearsError naming one that has none. */
  async servedPeers(): Promise<Shard[]> {
    await this.served();
    return this.peers();
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

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.looking;
    await this.leave();
    this.link?.disconnect();
    this.redis.disconnect();
  }
}

/** Which primary serves which slots, as text, to see a change. */
function layout(topology: Topology): string {
  return topology.shards.map((s) => `${s.id}@${shardAddress(s)}:${s.slots.join(' ')}`).join(';');
}
