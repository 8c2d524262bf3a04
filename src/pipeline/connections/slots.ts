// Which cluster slot a queued command belongs to, by the keys Redis' command table names for it.
import calculateSlot from 'cluster-key-slot';
import { getKeyIndexes } from '@ioredis/commands';
import type { QueuedCommand } from '../command.js';

export const SLOTS = 16384;

/** The slot of the command's first key, or undefined for a keyless command (any primary will do). */
export function slotOf(command: QueuedCommand): number | undefined {
  let indexes: number[];
  try {
    indexes = getKeyIndexes(command.name, command.args as (string | Buffer | number)[]);
  } catch {
    // A command the table does not know: assume Redis' usual layout, key first.
    indexes = command.args.length > 0 ? [0] : [];
  }
  if (indexes.length === 0) return undefined;
  const key = command.args[indexes[0]!]!;
  return calculateSlot(typeof key === 'number' ? String(key) : key);
}

/** Parses `MOVED 3999 127.0.0.1:6381` and `ASK 3999 127.0.0.1:6381`. */
export function redirection(error: Error | null | undefined): { kind: 'MOVED' | 'ASK'; node: string } | undefined {
  if (!error) return undefined;
  const [kind, , node] = error.message.split(' ');
  if ((kind === 'MOVED' || kind === 'ASK') && node) return { kind, node };
  return undefined;
}

/** Errors after which the same command succeeds if sent again shortly (resharding, failover). */
export function isTransient(error: Error | null | undefined): boolean {
  return !!error && /^(TRYAGAIN|CLUSTERDOWN|LOADING)\b/.test(error.message);
}
