// RedisGears: an ioredis client (every ordinary Redis command) with the gears commands under
// `gears`, as RedGrease's `redgrease.RedisGears` is a redis-py client with `.gears`. Given a node
// of a Redis Cluster, it becomes a cluster client by itself: keyed commands go to the shard serving
// their slot (src/client/cluster-route.ts); gears commands and keyless ones stay on the given node.
import { Redis, type ChainableCommander, type Cluster, type Command, type RedisOptions } from 'ioredis';
import { clusterOf, slotAddress } from './cluster-route.js';
import { watchConnection } from './connection-watch.js';
import { Gears } from './gears.js';
import { addressOf } from './link.js';

/** The gears server's default port (`gearbox serve`). */
export const GEARS_PORT = 6390;

/** ioredis' options; replies keep ioredis' default (legacy) mapping, which the reply parsers read. */
export type RedisGearsOptions = Omit<RedisOptions, 'replyMapping'>;

type Stream = Parameters<Redis['sendCommand']>[1];

export class RedisGears extends Redis {
  readonly gears: Gears;
  /** Whether the node is part of a cluster, asked once, at the first keyed command (or `clusterClient()`). */
  private routing: Promise<Cluster | null> | undefined;
  private routed: Cluster | null | undefined;
  private readonly typeFailures: (command: Command) => void;

  /** `new RedisGears()` connects to 127.0.0.1:6390; a URL or ioredis options say otherwise. */
  constructor(options?: RedisGearsOptions);
  constructor(url: string, options?: RedisGearsOptions);
  constructor(first?: string | RedisGearsOptions, second?: RedisGearsOptions) {
    const given = typeof first === 'object' ? first : second;
    const options = { port: GEARS_PORT, ...given };
    if (typeof first === 'string') super(first, options);
    else super(options);
    this.typeFailures = watchConnection(this, given?.maxRetriesPerRequest !== undefined, (command) =>
      this.routed && command.getKeys().length > 0 ? slotAddress(this.routed, command.getSlot()) : addressOf(this),
    );
    this.gears = new Gears(this);
  }

  /**
   * The Redis Cluster client keyed commands go through, or null when the node is a standalone
   * server. Commands wait for this by themselves; call it to know, or to use the cluster client directly.
   */
  clusterClient(): Promise<Cluster | null> {
    this.routing ??= clusterOf(this).then(
      (cluster) => (this.routed = cluster),
      (err: unknown) => {
        this.routing = undefined; // a connection that failed: ask again with the next command
        throw err;
      },
    );
    return this.routing;
  }

  override sendCommand(command: Command, stream?: Stream): unknown {
    // ioredis' constructor may send before this one has set `typeFailures`
    this.typeFailures?.(command);
    // a pipeline's own stream, a standalone server, connection set-up and keyless commands (RG.*, PING,
    // INFO) stay on this node
    if (stream !== undefined || this.routed === null || command.getKeys().length === 0) {
      if (command.name.toLowerCase() === 'quit') void this.routed?.quit().catch(() => undefined);
      return super.sendCommand(command, stream);
    }
    if (this.routed !== undefined) return this.routed ? this.routed.sendCommand(command) : super.sendCommand(command);
    this.clusterClient().then(
      (cluster) => (cluster ? cluster.sendCommand(command) : super.sendCommand(command)),
      (err: Error) => command.reject(err),
    );
    return command.promise;
  }

  /** In a cluster (once known), a pipeline of the cluster client: its commands must then share a slot. */
  override pipeline(commands?: unknown[][]): ChainableCommander {
    return this.routed ? this.routed.pipeline(commands) : super.pipeline(commands);
  }

  override disconnect(reconnect = false): void {
    if (!reconnect) this.routed?.disconnect();
    super.disconnect(reconnect);
  }
}
