import type { RedisLink } from './redis-link.js';

export interface CommandInfo {
  readonly write: boolean;
  /** Positions of key arguments (0-based, after the command name). */
  keys(args: readonly unknown[]): unknown[];
}

/**
 * What atomic() must know of a command: does it write, and which arguments are keys. Asked of
 * Redis once per command name (COMMAND INFO), so new commands and modules are covered.
 */
export class CommandTable {
  private readonly cache = new Map<string, Promise<CommandInfo>>();

  constructor(private readonly redis: RedisLink) {}

  info(command: string): Promise<CommandInfo> {
    const name = command.toLowerCase();
    let hit = this.cache.get(name);
    if (!hit) {
      hit = this.fetch(name);
      this.cache.set(name, hit);
      hit.catch(() => this.cache.delete(name));
    }
    return hit;
  }

  private async fetch(name: string): Promise<CommandInfo> {
    const reply = (await this.redis.call('COMMAND', 'INFO', name)) as unknown[];
    const entry = reply?.[0] as unknown[] | null;
    if (!entry) throw new Error(`unknown Redis command '${name}'`);
    const flags = (entry[2] as string[]).map(String);
    const first = Number(entry[3]);
    const last = Number(entry[4]);
    const step = Number(entry[5]);
    return {
      write: flags.includes('write'),
      keys(args) {
        if (first <= 0 || step <= 0) return [];
        const end = last < 0 ? args.length + last : last - 1;
        const out: unknown[] = [];
        for (let i = first - 1; i <= end && i < args.length; i += step) out.push(args[i]);
        return out;
      },
    };
  }
}
