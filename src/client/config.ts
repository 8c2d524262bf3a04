// gears.config: RedisGears' configuration (RG.CONFIGGET / RG.CONFIGSET) as typed properties, plus
// get/set/getSingle for user-defined keys (read inside functions by gearsConfigGet).
import { GearsError } from './errors.js';
import type { Send } from './link.js';
import { list, text } from './replies/values.js';

/** RedisGears' own options and their types (ExecutionThreads is read-only once the server runs). */
export interface GearsConfigOptions {
  MaxExecutions: number;
  MaxExecutionsPerRegistration: number;
  ProfileExecutions: boolean;
  ExecutionThreads: number;
  ExecutionMaxIdleTime: number;
  SendMsgRetries: number;
}

export type ConfigValue = string | number | boolean;

/** What `set` takes: RedisGears' options with their types, any other key as a user value. */
export type ConfigUpdate = Partial<Omit<GearsConfigOptions, 'ExecutionThreads'>> & {
  readonly [key: string]: ConfigValue | undefined;
};

const BOOLEAN_OPTIONS: ReadonlySet<string> = new Set(['ProfileExecutions']);

export class GearsConfig {
  readonly #send: Send;

  constructor(send: Send) {
    this.#send = send;
  }

  /** Values of `names`; a name the server does not know is an error naming it. */
  async get(...names: string[]): Promise<Record<string, ConfigValue>> {
    const reply = list(await this.#send('RG.CONFIGGET', names));
    const values: Record<string, ConfigValue> = {};
    names.forEach((name, i) => {
      const value = reply[i];
      if (value instanceof Error) {
        throw new GearsError(
          `gears.config: ${name} is not set (${value.message}); set it with gears.config.set({ ${name}: ... })`,
        );
      }
      values[name] = BOOLEAN_OPTIONS.has(name) ? Number(value) === 1 : typeof value === 'number' ? value : text(value);
    });
    return values;
  }

  async getSingle<K extends keyof GearsConfigOptions>(name: K): Promise<GearsConfigOptions[K]>;
  async getSingle(name: string): Promise<ConfigValue>;
  async getSingle(name: string): Promise<ConfigValue> {
    return (await this.get(name))[name]!;
  }

  /** Sets every key given; a key the server refuses (read-only, bad value) is an error naming it. */
  async set(values: ConfigUpdate): Promise<void> {
    const entries = Object.entries(values).filter(([, v]) => v !== undefined) as [string, ConfigValue][];
    if (entries.length === 0) return;
    const args = entries.flatMap(([k, v]) => [k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v)]);
    const reply = list(await this.#send('RG.CONFIGSET', args));
    const refused = entries.flatMap(([name], i) =>
      reply[i] instanceof Error ? [`${name} (${(reply[i] as Error).message})`] : [],
    );
    if (refused.length) throw new GearsError(`gears.config.set: the server refused ${refused.join(', ')}`);
  }

  get MaxExecutions(): Promise<number> {
    return this.getSingle('MaxExecutions');
  }
  get MaxExecutionsPerRegistration(): Promise<number> {
    return this.getSingle('MaxExecutionsPerRegistration');
  }
  get ProfileExecutions(): Promise<boolean> {
    return this.getSingle('ProfileExecutions');
  }
  get ExecutionThreads(): Promise<number> {
    return this.getSingle('ExecutionThreads');
  }
  get ExecutionMaxIdleTime(): Promise<number> {
    return this.getSingle('ExecutionMaxIdleTime');
  }
  get SendMsgRetries(): Promise<number> {
    return this.getSingle('SendMsgRetries');
  }
}
