// The base of every keyspace: a class bound to a key namespace whose records' keys look like
// `F{1}` (the id in a hash tag, so one id's keys share a cluster slot). It owns the plumbing, which
// pipe and connection a command goes to, and the commands common to every key type; the typed
// subclasses only add their type's commands.
import { QueuedCommand } from '../command.js';
import type { DeferredResult } from '../deferred.js';
import { pipeline } from '../context.js';
import type { Pipeline } from '../pipeline.js';
import type { ExpireMode, KeyType } from '../commands/index.js';
import { DEFAULT_CONNECTION, getConnection } from '../connections/registry.js';
import { toScanPage } from '../replies.js';

export interface KeyspaceScanOptions {
  /** A glob over ids, e.g. `user-*`; every id by default. */
  readonly match?: string;
  /** SCAN's COUNT hint per step. */
  readonly count?: number;
}

export abstract class Keyspace {
  /** The key prefix, e.g. 'F' for keys F{1}, F{2}. Every concrete keyspace sets it. */
  static namespace: string;
  /** The named connection (see `connect`); the default one when unset. */
  static connection: string | undefined;

  private readonly parent: Pipeline | undefined;
  private bound: Pipeline | undefined;

  /** Without a pipe, each command executes on its own; with one, it joins that pipe's pipeline. */
  constructor(pipe?: Pipeline) {
    this.parent = pipe;
    this.bound = undefined;
    keyspaceClass(this).key(''); // fails now, not at the first command, if the namespace is missing
  }

  /** The key of `id`: namespace{id}. */
  static key(id: string): string {
    const namespace = this.namespace as unknown;
    if (typeof namespace !== 'string' || namespace.length === 0) {
      throw new TypeError(`${this.name}: set \`static namespace = 'X'\` to name the keyspace's key prefix`);
    }
    if (typeof id !== 'string') throw new TypeError(`${this.name}: ids are strings, got ${typeof id}`);
    return `${namespace}{${id}}`;
  }

  /** The id back from a key of this keyspace, or undefined for another key. */
  static idOf(key: string): string | undefined {
    const prefix = `${this.namespace}{`;
    return key.startsWith(prefix) && key.endsWith('}') ? key.slice(prefix.length, -1) : undefined;
  }

  key(id: string): string {
    return keyspaceClass(this).key(id);
  }

  /** Queues one command on the keyspace's pipe, or executes it alone when the keyspace has none. */
  protected run<T>(queue: (pipe: Pipeline) => DeferredResult<T>): DeferredResult<T> {
    const name = keyspaceClass(this).connection ?? this.parent?.connectionName ?? DEFAULT_CONNECTION;
    if (this.parent) return queue((this.bound ??= this.parent.using(name)));
    return pipeline(undefined, queue, { name });
  }

  delete(...ids: [string, ...string[]]): DeferredResult<number> {
    return this.run((p) => p.del(...this.keys(ids)));
  }
  exists(id: string): DeferredResult<boolean> {
    return this.run((p) => p.exists(this.key(id))).map((n) => n > 0);
  }
  expire(id: string, seconds: number, mode?: ExpireMode): DeferredResult<boolean> {
    return this.run((p) => p.expire(this.key(id), seconds, mode));
  }
  pexpire(id: string, milliseconds: number, mode?: ExpireMode): DeferredResult<boolean> {
    return this.run((p) => p.pexpire(this.key(id), milliseconds, mode));
  }
  expireat(id: string, unixSeconds: number): DeferredResult<boolean> {
    return this.run((p) => p.expireat(this.key(id), unixSeconds));
  }
  persist(id: string): DeferredResult<boolean> {
    return this.run((p) => p.persist(this.key(id)));
  }
  ttl(id: string): DeferredResult<number> {
    return this.run((p) => p.ttl(this.key(id)));
  }
  pttl(id: string): DeferredResult<number> {
    return this.run((p) => p.pttl(this.key(id)));
  }
  type(id: string): DeferredResult<KeyType> {
    return this.run((p) => p.type(this.key(id)));
  }
  /** Renames within the keyspace; in a cluster both ids must hash to one slot. */
  rename(id: string, newId: string): DeferredResult<'OK'> {
    return this.run((p) => p.rename(this.key(id), this.key(newId)));
  }

  /**
   * Every id in the keyspace, by SCAN on every primary (so across a whole cluster). Not pipelined:
   * it reads as it goes. An id may repeat if keys change meanwhile, as with SCAN itself.
   */
  async *scan(options: KeyspaceScanOptions = {}): AsyncGenerator<string> {
    const type = keyspaceClass(this);
    const match = `${escapeGlob(type.namespace)}{${options.match ?? '*'}}`;
    const connection = getConnection(type.connection ?? this.parent?.connectionName ?? DEFAULT_CONNECTION);
    for (const primary of await connection.primaries()) {
      let cursor = '0';
      do {
        const args = ['scan', cursor, 'MATCH', match, 'COUNT', options.count ?? 1000] as const;
        const step = new QueuedCommand(args[0], args.slice(1), toScanPage);
        await primary.execute([step], false);
        const [next, keys] = step.result;
        cursor = next;
        for (const key of keys) {
          const id = type.idOf(key);
          if (id !== undefined) yield id;
        }
      } while (cursor !== '0');
    }
  }

  private keys(ids: readonly string[]): [string, ...string[]] {
    return ids.map((id) => this.key(id)) as [string, ...string[]];
  }
}

function keyspaceClass(instance: Keyspace): typeof Keyspace {
  return instance.constructor as typeof Keyspace;
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
