// The gears server's one hook into proxied writes: `mode: 'sync'` registrations run before the
// reply to a write that came through the server reaches its client. The connection asks `wants`
// (cheap, synchronous) of each proxied command; for one it wants, the reply is held until
// `afterWrite` settles, and the client's later commands wait behind it, so replies keep their order.
import { exists, getKeyIndexes, hasFlag } from '@ioredis/commands';
import type { Request } from './resp/request.js';

export interface WriteHooks {
  /** Must the reply to this proxied command wait for afterWrite? Called for every proxied command. */
  wants(req: Request): boolean;
  /** Called once Redis answered the command; its reply reaches the client when this settles. */
  afterWrite(req: Request): Promise<void>;
}

/** What sync registrations offer the hook (the engine's Registrations). */
export interface SyncRegistrations {
  /** Any sync registration at all: the fast path for every command. */
  readonly hasSync: boolean;
  /** Does a write to `keys` concern a sync registration? null: the keys are unknown (EXEC). */
  wantsSync(keys: readonly string[] | null): boolean;
  /** Resolves once sync registrations ran every key event Redis notified before now. */
  syncFence(): Promise<void>;
}

/** Scripts and functions write without the `write` flag; their keys are declared, so they count. */
const SCRIPTED = new Set(['eval', 'evalsha', 'fcall']);

function writtenKeys(req: Request): readonly string[] | null | undefined {
  const name = req.name;
  if (name === 'exec') return null;
  if (!exists(name) || !(hasFlag(name, 'write') || SCRIPTED.has(name))) return undefined;
  try {
    return getKeyIndexes(name, req.args).map((i) => req.args[i].toString());
  } catch {
    return null; // malformed arguments: Redis will answer with an error; a fence costs nothing more
  }
}

/** Write hooks that run sync key event registrations (docs/architecture.md, "Events"). */
export function syncWriteHooks(registrations: SyncRegistrations): WriteHooks {
  return {
    wants(req) {
      if (!registrations.hasSync) return false;
      const keys = writtenKeys(req);
      return keys !== undefined && registrations.wantsSync(keys);
    },
    afterWrite: () => registrations.syncFence(),
  };
}
