// The engine's registrations: sessions loaded on execution threads, their registrations installed
// in the registry, events run on the session's thread, RG.TRIGGER, and the RG.* management
// operations. The engine hands it what a registering source built; this class owns what follows.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../../log/logger.js';
import type { ReaderName } from '../../model/plan.js';
import type { GearsConfig } from '../config.js';
import { GearsError } from '../errors.js';
import type { Executions } from '../executions.js';
import type { WorkerPool } from '../worker/pool.js';
import type {
  EventOutcome,
  EventsJob,
  FromWorker,
  JobDistribution,
  RegisteredPlan,
  ToWorker,
} from '../worker/protocol.js';
import type { EventSource } from './event-source.js';
import { KeyEventSource } from './key-event-source.js';
import { RegisteredExecutions } from './registered-executions.js';
import { Registration } from './registration.js';
import { Registry, type Session } from './registry.js';
import { RegistrationStore, type StoredSession } from './store.js';
import { StreamEventSource } from './stream-event-source.js';

export interface RegistrationsDeps {
  readonly redisUrl: string;
  readonly db: number;
  readonly pool: () => WorkerPool;
  readonly config: GearsConfig;
  readonly executions: Executions;
  readonly nextId: () => string;
  /** Restored ids are taken: later ids must not repeat them. */
  readonly reserveId: (id: string) => void;
  readonly installRequirements: (specs: readonly string[]) => Promise<void>;
  /** The engine's own connection, for storing registrations. */
  readonly redis: Redis;
  /** The shard's hash tag in a cluster (src/engine/identity.ts), so the stored registrations stay on the shard. */
  readonly keyTag: () => string;
  readonly log: Logger;
}

/** What a registering source turned into on a thread, for `install`. */
export interface Loaded {
  readonly source: string;
  readonly requirements: readonly string[];
  readonly key: string;
  readonly thread: number;
  readonly plans: readonly RegisteredPlan[];
}

/** Ids a session's registrations get instead of fresh ones (restored, or agreed across a cluster), and their state. */
export type Restored = Pick<StoredSession, 'ids' | 'paused' | 'unregistered'>;

export interface TriggerOutcome {
  readonly results: unknown[];
  readonly errors: string[];
}

/** One spread execution of a registration, begun on the shard that saw the event (src/cluster). */
export interface SpreadEvent {
  readonly id: string;
  readonly job: JobDistribution;
  /** Waits for the other shards' parts; resolves with their errors, rejects when one failed or went away. */
  gather(): Promise<string[]>;
  /** This shard's part could not run: the others stop theirs. */
  end(reason: string): void;
}

/** Set by the cluster layer: spreads the executions of `mode: 'async'` registrations over the cluster. */
export interface EventDistributor {
  begin(registrationId: string): Promise<SpreadEvent>;
}

export class Registrations {
  readonly registry = new Registry();
  distributor: EventDistributor | undefined;
  private readonly keyEvents: KeyEventSource;
  private readonly sources: Partial<Record<ReaderName, EventSource>>;
  private readonly listed: RegisteredExecutions;
  private readonly store: RegistrationStore;

  constructor(private readonly deps: RegistrationsDeps) {
    this.store = new RegistrationStore(deps.redis, deps.log, deps.keyTag);
    this.keyEvents = new KeyEventSource(deps.redisUrl, deps.db, this.registry, deps.log);
    this.sources = {
      KeysReader: this.keyEvents,
      StreamReader: new StreamEventSource(deps.redisUrl, deps.db, deps.log),
    };
    this.listed = new RegisteredExecutions(
      deps.executions,
      () => deps.config.get('MaxExecutionsPerRegistration'),
      deps.nextId,
    );
  }

  /** A fresh key for a session version on a thread. */
  newSessionKey(): string {
    return randomUUID();
  }

  /** Refuses a taken session name unless upgrading (RedisGears' words). */
  checkName(name: string | undefined, upgrade: boolean): void {
    if (name !== undefined && !upgrade && this.registry.session(name)) {
      throw new GearsError(`Session ${name} already exists: send it with UPGRADE to replace its registrations`);
    }
  }

  /**
   * Installs what a source registered as session `name` (a new one when undefined), replacing the
   * session's previous registrations in the same step when upgrading. A refused install unloads.
   */
  async install(
    loaded: Loaded,
    name: string | undefined,
    upgrade: boolean,
    given?: Restored | Promise<Restored>,
  ): Promise<Session> {
    let restored: Restored | undefined;
    try {
      restored = await given;
    } catch (err) {
      this.unload(loaded);
      throw err;
    }
    const place = { name: name ?? randomUUID(), key: loaded.key, thread: loaded.thread };
    const hook = loaded.plans.find((plan) => plan.reader === 'CommandReader' && plan.options.trigger === undefined);
    if (hook) {
      this.unload(loaded);
      throw new GearsError(
        `CommandReader hooks (register({hook: '${String(hook.options.hook)}'})) are not supported: register({trigger: 'name'}) and call RG.TRIGGER name ...`,
      );
    }
    const ids = loaded.plans.map((_, index) => restored?.ids[index] ?? this.deps.nextId());
    const registrations = loaded.plans.flatMap((plan, index) => {
      const id = ids[index];
      if (restored?.unregistered.includes(id)) return [];
      const reg = new Registration(id, place, index, plan, this.runEvents, () =>
        this.deps.config.get('MaxPendingEvents'),
      );
      reg.paused = restored?.paused.includes(id) ?? false;
      return [reg];
    });
    const session: Session = { ...place, source: loaded.source, requirements: loaded.requirements, ids, registrations };
    let previous: Session | undefined;
    try {
      this.checkName(name, upgrade);
      this.registry.check(session, this.registry.session(place.name));
      // event sources subscribe before the swap, so nothing written after the reply is missed
      for (const reg of registrations) await this.sources[reg.reader]?.added(reg);
      // from here to the swap nothing awaits: an event is matched before it or after it
      this.checkName(name, upgrade);
      previous = this.registry.session(place.name);
      this.registry.install(session, previous);
    } catch (err) {
      this.unload(loaded);
      throw err;
    }
    if (previous) this.retire(previous.registrations);
    this.store.save(session);
    this.send(place.thread, {
      type: 'activate',
      executionId: `activate:${place.key}`,
      sessionKey: place.key,
      ids: registrations.map((r) => r.id),
    });
    return session;
  }

  /** Evaluates a registering source on some thread, keeping its functions there. */
  load(source: string, requirements: readonly string[]): Promise<Loaded> {
    const key = this.newSessionKey();
    return new Promise((resolve, reject) => {
      this.deps.pool().submit(
        { type: 'run', executionId: `load:${key}`, source, config: this.deps.config.snapshot(), sessionKey: key },
        {
          onMessage: (message, thread) => {
            if (message.type === 'registered') resolve({ source, requirements, key, thread, plans: message.plans });
            else if (message.type === 'failed') reject(new Error(message.message));
            else if (message.type === 'done') reject(new Error('the stored source no longer registers anything'));
          },
          onLost: (reason) => reject(new Error(reason)),
        },
      );
    });
  }

  /** Restores the registrations stored in Redis (a restarted gears server), with their ids; then keeps them stored. */
  async restore(): Promise<void> {
    let stored: StoredSession[] = [];
    try {
      stored = await this.store.load();
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'could not read the stored registrations');
    }
    // a resharding can bring another shard's stored sessions under this shard's key: the same registrations
    for (const session of stored) if (!this.installed(session)) await this.restoreSession(session);
    this.store.watch(() => this.registry.allSessions());
  }

  /**
   * The shard's Redis became a replica: every registration stops taking events, without being
   * unregistered. The stored sessions and stream consumer groups stay in Redis for the gears server
   * that takes over, and `restore()` brings them back here if this Redis is promoted again.
   */
  standDown(): void {
    this.store.close();
    const regs = this.registry.allSessions().flatMap((s) => [...s.registrations]);
    for (const reg of regs) this.registry.remove(reg);
    this.retire(regs, false);
  }

  /**
   * Installs the sessions another shard of the cluster stores that this one lacks (a shard that
   * joined later, or whose stored registrations were lost), with the same ids. Returns their names.
   */
  async adopt(stored: readonly StoredSession[]): Promise<string[]> {
    const adopted: string[] = [];
    for (const session of stored) {
      if (this.installed(session)) continue;
      if (await this.restoreSession(session)) adopted.push(session.name);
    }
    return adopted;
  }

  /**
   * Whether a stored session is here already. Each shard names an unnamed session itself, but the ids are
   * the cluster's: a session whose ids are here is the same registration under another shard's name.
   */
  private installed(session: StoredSession): boolean {
    return this.registry.session(session.name) !== undefined || session.ids.some((id) => this.registry.get(id));
  }

  private async restoreSession(session: StoredSession): Promise<boolean> {
    try {
      for (const id of session.ids) this.deps.reserveId(id);
      await this.deps.installRequirements(session.requirements);
      const loaded = await this.load(session.source, session.requirements);
      await this.install(loaded, session.name, true, session);
      this.deps.log.info({ session: session.name, ids: session.ids }, 'restored registrations');
      return true;
    } catch (err) {
      this.deps.log.error(
        { err: (err as Error).message, session: session.name },
        `could not restore session ${session.name}; it stays stored (RG.JSEXECUTE it again with ID ${session.name} UPGRADE)`,
      );
      return false;
    }
  }

  /** RG.UNREGISTER: the registration stops taking events; queued ones still run. */
  unregister(id: string): void {
    const reg = this.registry.get(id);
    if (!reg)
      throw new GearsError(`execution is not registered: no registration ${id} (RG.DUMPREGISTRATIONS lists them)`);
    const ended = this.registry.remove(reg);
    // stored too, or a restarted gears server would bring the registration back
    if (ended) this.store.delete(ended.name);
    else this.saveSessionOf(reg);
    this.retire([reg]);
  }

  /** RG.PAUSEREGISTRATIONS / RG.UNPAUSEREGISTRATIONS: all ids must exist, or nothing changes. */
  setPaused(ids: readonly string[], paused: boolean): void {
    const regs = ids.map((id) => {
      const reg = this.registry.get(id);
      if (!reg) throw new GearsError(`Execution ${id} does not exist on this shard (RG.DUMPREGISTRATIONS lists them)`);
      return reg;
    });
    for (const reg of regs) reg.paused = paused;
    for (const reg of regs) this.saveSessionOf(reg);
  }

  private saveSessionOf(reg: Registration): void {
    const session = this.registry.session(reg.session.name);
    if (session) this.store.save(session);
  }

  clearStats(): void {
    for (const reg of this.registry.all()) {
      reg.stats.clear();
      reg.stream?.clear();
    }
  }

  /** RG.TRIGGER: runs the trigger's function on `[trigger, ...args]` and answers with its outcome. */
  async trigger(name: string, args: readonly string[]): Promise<TriggerOutcome> {
    const reg = this.registry.trigger(name);
    if (!reg) {
      throw new GearsError(
        `ERR subcommand not found: no registration answers trigger '${name}'; register one with ` +
          `register({ trigger: '${name}' }) or command() (RG.DUMPREGISTRATIONS lists the registrations)`,
      );
    }
    if (reg.paused) throw new GearsError(`ERR trigger '${name}' is paused (RG.UNPAUSEREGISTRATIONS ${reg.id})`);
    let outcome: EventOutcome;
    try {
      [outcome] = await this.runEvents(reg, [[name, ...args]]);
    } catch (err) {
      reg.stats.aborted(1, (err as Error).message);
      throw new GearsError(`ERR Could not trigger execution, ${(err as Error).message}`);
    }
    reg.stats.record(outcome);
    return { results: outcome.results ?? [], errors: outcome.errors };
  }

  get hasSync(): boolean {
    return this.registry.syncKeyRegistrations().length > 0;
  }

  /** Does a write to `keys` (null: unknown keys) concern a sync registration? */
  wantsSync(keys: readonly string[] | null): boolean {
    const sync = this.registry.syncKeyRegistrations();
    if (sync.length === 0) return false;
    return keys === null || keys.some((key) => sync.some((reg) => reg.matches(key)));
  }

  /** Resolves once the sync registrations ran every key event notified before now. */
  async syncFence(): Promise<void> {
    await this.keyEvents.fence();
    await Promise.all(this.registry.syncKeyRegistrations().map((r) => r.queue.settled()));
  }

  /** A thread was replaced: its sessions are loaded again (ahead of their waiting events). */
  respawned(thread: number): void {
    const held = this.registry.allSessions().filter((s) => s.thread === thread);
    for (const session of held.reverse()) {
      const ids = session.registrations.map((r) => r.id);
      this.send(
        thread,
        { type: 'activate', executionId: `activate:${session.key}`, sessionKey: session.key, ids },
        true,
      );
      this.send(
        thread,
        {
          type: 'run',
          executionId: `reload:${session.key}`,
          source: session.source,
          config: this.deps.config.snapshot(),
          sessionKey: session.key,
        },
        true,
      );
    }
  }

  close(): void {
    this.store.close();
    for (const source of new Set(Object.values(this.sources))) source.close();
  }

  /**
   * Registrations that no longer take events: sources forget them, their thread forgets them once
   * drained. `forGood` false keeps what they left in Redis (stream consumer groups) for a successor.
   */
  private retire(regs: readonly Registration[], forGood = true): void {
    for (const reg of regs) this.sources[reg.reader]?.removed(reg, forGood);
    const sessions = new Map(regs.map((r) => [r.session.key, r.session]));
    void Promise.all(regs.map((r) => r.queue.settled())).then(() => {
      for (const reg of regs) this.listed.forget(reg.id);
      for (const place of sessions.values()) {
        const live = this.registry.allSessions().some((s) => s.key === place.key);
        if (!live) this.unload(place);
      }
    });
  }

  private readonly runEvents = async (reg: Registration, records: unknown[]): Promise<EventOutcome[]> => {
    const spread = this.distributor && reg.mode === 'async' && reg.plan.movesRecords;
    const outcomes = spread
      ? await this.runSpread(reg, this.distributor!, records)
      : await this.submitEvents(reg, { executionId: `events:${reg.id}`, records });
    this.listed.add(reg.id, outcomes);
    return outcomes;
  };

  /**
   * A `mode: 'async'` registration whose steps move records, in a cluster: each event (a stream
   * registration's batch) is one execution on every shard, as RedisGears runs them.
   */
  private async runSpread(
    reg: Registration,
    distributor: EventDistributor,
    records: unknown[],
  ): Promise<EventOutcome[]> {
    const executions = reg.reader === 'StreamReader' ? [records] : records.map((r) => [r]);
    const outcomes = await Promise.all(
      executions.map(async (group) => {
        const spread = await distributor.begin(reg.id);
        let outcome: EventOutcome[];
        try {
          outcome = await this.submitEvents(reg, { executionId: spread.id, records: group, distribution: spread.job });
        } catch (err) {
          spread.end((err as Error).message);
          throw err;
        }
        const theirs = await spread.gather().catch((err: Error) => [err.message]);
        return outcome.map((o) => ({ ...o, errors: [...o.errors, ...theirs] }));
      }),
    );
    return outcomes.flat();
  }

  /**
   * This shard's part in an execution of registration `id` that another shard's event started: no
   * records of its own, only those the other shards move here. Resolves with its errors.
   */
  async participate(id: string, executionId: string, distribution: JobDistribution): Promise<string[]> {
    const reg = this.registry.get(id);
    if (!reg) throw new GearsError(`no registration ${id} on this shard`);
    const outcomes = await this.submitEvents(reg, { executionId, records: [], distribution }, true);
    return outcomes.flatMap((o) => o.errors);
  }

  /**
   * Stops this shard's part of a spread execution, queued or running (its originator ended it, or a
   * shard it waits on failed); a running one ends its thread, which is started again.
   */
  stopSpread(executionId: string): void {
    this.deps.pool().abort(executionId);
  }

  private submitEvents(
    reg: Registration,
    job: Pick<EventsJob, 'executionId' | 'records' | 'distribution'>,
    beside = false,
  ): Promise<EventOutcome[]> {
    return new Promise((resolve, reject) => {
      const keep = this.deps.config.get('MaxExecutionsPerRegistration');
      const handlers = {
        onMessage: (message: FromWorker) => {
          if (message.type === 'events-done') resolve(message.outcomes);
          else if (message.type === 'failed') reject(new Error(message.message));
        },
        onLost: (reason: string) => reject(new Error(reason)),
      };
      const events: EventsJob = { type: 'events', sessionKey: reg.session.key, index: reg.index, keep, ...job };
      if (beside) this.deps.pool().submitBeside(events, handlers, reg.session.thread);
      else this.deps.pool().submit(events, handlers, reg.session.thread);
    });
  }

  /** The thread forgets a loaded session version that was not installed. */
  private unload(place: { key: string; thread: number }): void {
    this.send(place.thread, { type: 'unload', executionId: `unload:${place.key}`, sessionKey: place.key, ids: [] });
  }

  /** A job of the engine's own on a thread; failures are logged. */
  private send(thread: number, job: ToWorker, first = false): void {
    this.deps.pool().submit(
      job,
      {
        onMessage: (message) => {
          if (message.type === 'failed') this.deps.log.warn({ job: job.executionId }, message.message);
        },
        onLost: (reason) => this.deps.log.debug({ job: job.executionId }, reason),
      },
      thread,
      first,
    );
  }
}
