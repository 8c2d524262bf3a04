// The registrations of one shard, in memory: by id, by session, by trigger name, and the KeysReader
// ones that key events are matched against. Every change is one synchronous step, so an event is
// matched either before a change or after it, never halfway (this is what makes UPGRADE atomic).
import { GearsError } from '../errors.js';
import type { Registration, SessionPlace } from './registration.js';

export interface Session extends SessionPlace {
  readonly source: string;
  readonly requirements: readonly string[];
  /** The id of each function the source registered, by position, unregistered ones included. */
  readonly ids: readonly string[];
  /** The live ones; RG.UNREGISTER takes one out. */
  readonly registrations: Registration[];
}

/** The error text starts with this phrase, which clients recognise (README "Events"). */
export const DUPLICATE_TRIGGER = 'trigger already registered';

export class Registry {
  private readonly byId = new Map<string, Registration>();
  private readonly sessions = new Map<string, Session>();
  private readonly triggers = new Map<string, Registration>();
  /** KeysReader registrations, the ones key events are matched against, and the sync ones among them. */
  private keyRegistrations: Registration[] = [];
  private syncRegistrations: Registration[] = [];

  get(id: string): Registration | undefined {
    return this.byId.get(id);
  }

  session(name: string): Session | undefined {
    return this.sessions.get(name);
  }

  all(): Registration[] {
    return [...this.byId.values()];
  }

  allSessions(): Session[] {
    return [...this.sessions.values()];
  }

  trigger(name: string): Registration | undefined {
    return this.triggers.get(name);
  }

  get hasKeyRegistrations(): boolean {
    return this.keyRegistrations.length > 0;
  }

  /** Sync KeysReader registrations, for the write hook. */
  syncKeyRegistrations(): readonly Registration[] {
    return this.syncRegistrations;
  }

  /** Offers a key event to every KeysReader registration it concerns. */
  keyEvent(key: string, event: string): void {
    const regs = this.keyRegistrations;
    for (let i = 0; i < regs.length; i++) {
      if (regs[i].wantsKeyEvent(key, event)) regs[i].offer({ key, event });
    }
  }

  /**
   * Throws if `session` cannot be installed: a trigger name taken by a registration that is not
   * about to be replaced (the session `replacing` is), or used twice in the session itself.
   */
  check(session: Session, replacing?: Session): void {
    const seen = new Set<string>();
    for (const reg of session.registrations) {
      const name = reg.trigger;
      if (name === undefined) continue;
      const owner = this.triggers.get(name);
      if (seen.has(name) || (owner && owner.session.name !== replacing?.name)) {
        const where = seen.has(name)
          ? 'twice in this source'
          : `by registration ${owner!.id} (session ${owner!.session.name})`;
        throw new GearsError(
          `${DUPLICATE_TRIGGER}: '${name}' is taken ${where}; RG.UNREGISTER it first, or re-send its session with ID <name> UPGRADE`,
        );
      }
      seen.add(name);
    }
  }

  /** Installs `session`, replacing `replacing` (same name) in the same step. */
  install(session: Session, replacing?: Session): void {
    this.check(session, replacing);
    if (replacing) for (const reg of [...replacing.registrations]) this.detach(reg);
    this.sessions.set(session.name, session);
    for (const reg of session.registrations) {
      this.byId.set(reg.id, reg);
      if (reg.trigger !== undefined) this.triggers.set(reg.trigger, reg);
    }
    this.indexKeyRegistrations(this.all().filter((r) => r.reader === 'KeysReader'));
  }

  private indexKeyRegistrations(regs: Registration[]): void {
    this.keyRegistrations = regs;
    this.syncRegistrations = regs.filter((r) => r.mode === 'sync');
  }

  /** Removes one registration; returns its session if that was the session's last one. */
  remove(reg: Registration): Session | undefined {
    this.detach(reg);
    this.indexKeyRegistrations(this.keyRegistrations.filter((r) => r !== reg));
    const session = this.sessions.get(reg.session.name);
    if (!session || session.key !== reg.session.key) return undefined;
    const left = session.registrations.filter((r) => r !== reg);
    session.registrations.splice(0, session.registrations.length, ...left);
    if (left.length > 0) return undefined;
    this.sessions.delete(session.name);
    return session;
  }

  private detach(reg: Registration): void {
    this.byId.delete(reg.id);
    if (reg.trigger !== undefined && this.triggers.get(reg.trigger) === reg) this.triggers.delete(reg.trigger);
    reg.paused = true;
  }
}
