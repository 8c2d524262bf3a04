// Pipelines over an ioredis Cluster. ioredis rejects a pipeline whose keys live on several primaries;
// here the commands are split per primary, sent as one pipeline per node in parallel, and each
// command settles in place, so the caller sees its own order. MOVED and ASK replies are followed.
import type { Cluster, Redis } from 'ioredis';
import type { QueuedCommand } from '../command.js';
import { abortAll, inChunks, type Connection, type RawReply } from './connection.js';
import { IoredisConnection, sendIoredisBatch } from './ioredis.js';
import { SLOTS, isTransient, redirection, slotOf } from './slots.js';

/** How many times one command may be redirected or retried before it fails. */
const MAX_ATTEMPTS = 16;
const RETRY_DELAY_MS = 100;

interface Route {
  readonly node: string;
  readonly asking: boolean;
}

export class IoredisClusterConnection implements Connection {
  constructor(private readonly cluster: Cluster) {}

  async execute(commands: readonly QueuedCommand[], transaction: boolean): Promise<void> {
    try {
      await this.ready();
    } catch (err) {
      return abortAll(commands, err as Error);
    }
    let routes = new Map<QueuedCommand, Route>();
    let pending: readonly QueuedCommand[] = commands;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const groups = this.group(pending, routes);
      if (transaction && groups.size > 1) {
        return abortAll(
          pending,
          new Error(
            `a transaction in a Redis Cluster must keep all its keys on one primary, but these span ${groups.size}: ` +
              'give the keys a common hash tag, e.g. U{1} and F{1}',
          ),
        );
      }
      const retry = new Map<QueuedCommand, Route>();
      await Promise.all([...groups].map(([route, group]) => this.sendGroup(route, group, transaction, attempt, retry)));
      if (retry.size > 0 && [...retry.values()].some((r) => r.node === '')) await delay(RETRY_DELAY_MS);
      routes = retry;
      pending = [...retry.keys()];
    }
  }

  async primaries(): Promise<readonly Connection[]> {
    await this.ready();
    return this.cluster.nodes('master').map((node) => new IoredisConnection(node));
  }

  private async ready(): Promise<void> {
    // Slots are known once the cluster is ready; a command waits for that, or fails if it never is.
    if (this.cluster.status !== 'ready') await this.cluster.ping();
  }

  /** Groups commands by destination, keyed by one Route object per distinct (node, asking). */
  private group(commands: readonly QueuedCommand[], routes: Map<QueuedCommand, Route>): Map<Route, QueuedCommand[]> {
    const byKey = new Map<string, Route>();
    const groups = new Map<Route, QueuedCommand[]>();
    for (const command of commands) {
      const given = routes.get(command);
      const node = given?.node || this.ownerOf(slotOf(command));
      const asking = given?.asking ?? false;
      const id = asking ? `ASK ${node}` : node;
      let route = byKey.get(id);
      if (!route) {
        route = { node, asking };
        byKey.set(id, route);
        groups.set(route, []);
      }
      groups.get(route)!.push(command);
    }
    return groups;
  }

  private ownerOf(slot: number | undefined): string {
    const chosen = slot ?? Math.floor(Math.random() * SLOTS);
    return this.cluster.slots[chosen]?.[0] ?? '';
  }

  private async sendGroup(
    route: Route,
    commands: QueuedCommand[],
    transaction: boolean,
    attempt: number,
    retry: Map<QueuedCommand, Route>,
  ): Promise<void> {
    const node = this.node(route.node);
    if (!node) {
      // A slot nobody serves yet (failover under way) or a node not in the pool: refresh and retry.
      this.cluster.refreshSlotsCache();
      if (attempt + 1 >= MAX_ATTEMPTS)
        return abortAll(commands, new Error(`no cluster node serves ${route.node || 'this slot'}`));
      for (const command of commands) retry.set(command, { node: '', asking: false });
      return;
    }
    const send = async (chunk: readonly QueuedCommand[]): Promise<void> => {
      let replies: RawReply[];
      try {
        replies = await sendIoredisBatch(node, chunk, transaction, route.asking);
      } catch (err) {
        return abortAll(chunk, err as Error);
      }
      this.settleOrRedirect(chunk, replies, attempt, retry);
    };
    return transaction ? send(commands) : inChunks(commands, send);
  }

  private settleOrRedirect(
    commands: readonly QueuedCommand[],
    replies: readonly RawReply[],
    attempt: number,
    retry: Map<QueuedCommand, Route>,
  ): void {
    const lastAttempt = attempt + 1 >= MAX_ATTEMPTS;
    for (let i = 0; i < commands.length; i++) {
      const [error, reply] = replies[i] ?? [new Error('Redis sent no reply for this command'), undefined];
      const moved = lastAttempt ? undefined : redirection(error);
      if (moved) {
        if (moved.kind === 'MOVED') this.cluster.refreshSlotsCache();
        retry.set(commands[i]!, { node: moved.node, asking: moved.kind === 'ASK' });
      } else if (!lastAttempt && isTransient(error)) {
        retry.set(commands[i]!, { node: '', asking: false });
      } else {
        commands[i]!.settle(error, reply);
      }
    }
  }

  private node(key: string): Redis | undefined {
    if (!key) return undefined;
    return this.cluster.nodes('all').find((n) => `${n.options.host}:${n.options.port}` === key);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
