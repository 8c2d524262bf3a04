// Registrations kept in Redis under gearbox's own key, so that a gears server restarted on the same
// Redis (or attached to a promoted replica) restores them with their ids. One hash field per
// session: the source that registered, its requirements, the ids it got and which are paused.
// A FLUSHALL removes the key but not the live registrations: a watch writes them back.
import type { Redis } from 'ioredis';
import type { Logger } from '../../log/logger.js';
import { INTERNAL_PREFIX } from '../readers/index.js';
import type { Session } from './registry.js';

/** `__gearbox:sessions`; in a cluster `__gearbox:{tag}:sessions`, on the shard that owns the tag. */
export const sessionsKey = (keyTag = ''): string => `${INTERNAL_PREFIX}${keyTag ? `${keyTag}:` : ''}sessions`;
const WATCH_EVERY_MS = 1000;

export interface StoredSession {
  readonly name: string;
  readonly source: string;
  readonly requirements: readonly string[];
  readonly ids: readonly string[];
  readonly paused: readonly string[];
  /** Ids RG.UNREGISTER removed: the source registers them again when it is restored, so they are left out. */
  readonly unregistered: readonly string[];
}

function stored(session: Session): string {
  return JSON.stringify({
    source: session.source,
    requirements: session.requirements,
    ids: session.ids,
    paused: session.registrations.filter((r) => r.paused).map((r) => r.id),
    unregistered: session.ids.filter((id) => !session.registrations.some((r) => r.id === id)),
  });
}

/** The sessions of a `sessionsKey` hash (HGETALL's reply); one that does not parse is skipped, with a warning. */
export function parseSessions(all: Record<string, string>, log: Logger): StoredSession[] {
  const sessions: StoredSession[] = [];
  for (const [name, text] of Object.entries(all)) {
    try {
      const parsed = JSON.parse(text) as Omit<StoredSession, 'name'>;
      sessions.push({ name, ...parsed, paused: parsed.paused ?? [], unregistered: parsed.unregistered ?? [] });
    } catch {
      log.warn({ session: name }, `stored session ${name} is not valid JSON; skipping it`);
    }
  }
  return sessions;
}

export class RegistrationStore {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly log: Logger,
    private readonly keyTag: () => string = () => '',
  ) {}

  private get key(): string {
    return sessionsKey(this.keyTag());
  }

  async load(): Promise<StoredSession[]> {
    return parseSessions(await this.redis.hgetall(this.key), this.log);
  }

  save(session: Session): void {
    this.write(() => this.redis.hset(this.key, session.name, stored(session)), session.name);
  }

  delete(name: string): void {
    this.write(() => this.redis.hdel(this.key, name), name);
  }

  /** Writes `live()` back whenever the key is gone while sessions exist (FLUSHALL, a DEL, a new empty Redis). */
  watch(live: () => readonly Session[]): void {
    this.close(); // restored again after a stand-by took over: one watch
    this.timer = setInterval(() => {
      const sessions = live();
      if (sessions.length === 0 || this.redis.status !== 'ready') return;
      this.redis.exists(this.key).then(
        (n) => {
          if (n === 1) return;
          this.log.info(
            { sessions: sessions.length },
            `${this.key} is gone (FLUSHALL?); writing the live registrations back`,
          );
          for (const session of live()) this.save(session);
        },
        () => undefined,
      );
    }, WATCH_EVERY_MS);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private write(op: () => Promise<unknown>, name: string): void {
    op().catch((err: Error) =>
      this.log.warn({ err: err.message, session: name }, 'could not store the registrations of a session in Redis'),
    );
  }
}
