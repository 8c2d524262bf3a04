// RedisGears' configuration, with its names: the built-in options are typed and validated, any
// other key is a user value that gear functions read with gearsConfigGet.

export interface BuiltinConfig {
  MaxExecutions: number;
  MaxExecutionsPerRegistration: number;
  ProfileExecutions: boolean;
  ExecutionThreads: number;
  ExecutionMaxIdleTime: number;
  SendMsgRetries: number;
  PythonAttemptTraceback: boolean;
  /** gearbox's: submissions waiting for an execution thread beyond this many are refused. */
  MaxQueuedExecutions: number;
  /** gearbox's: megabytes one execution thread may hold, JavaScript heap and Buffers together. */
  ExecutionMaxMemory: number;
  /** gearbox's own: events a registration queues before it drops new ones (counted as numDropped). */
  MaxPendingEvents: number;
}

export const DEFAULT_CONFIG: Readonly<BuiltinConfig> = {
  MaxExecutions: 1000,
  MaxExecutionsPerRegistration: 100,
  ProfileExecutions: false,
  ExecutionThreads: 3,
  ExecutionMaxIdleTime: 5000,
  SendMsgRetries: 3,
  PythonAttemptTraceback: true,
  MaxQueuedExecutions: 1000,
  ExecutionMaxMemory: 1024,
  MaxPendingEvents: 100000,
};

/** Options fixed when the server starts: changing them would mean rebuilding the worker pool under running executions. */
const READ_ONLY = new Set<string>(['ExecutionThreads', 'ExecutionMaxMemory']);

export type ConfigValue = number | boolean | string;

export class ConfigError extends Error {}

function parseBuiltin(name: keyof BuiltinConfig, raw: ConfigValue): number | boolean {
  const current = DEFAULT_CONFIG[name];
  if (typeof current === 'boolean') {
    if (raw === true || raw === false) return raw;
    const text = String(raw).toLowerCase();
    if (text === '1' || text === 'true' || text === 'yes') return true;
    if (text === '0' || text === 'false' || text === 'no') return false;
    throw new ConfigError(`${name} takes a boolean (1/0, true/false), got '${raw}'`);
  }
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} takes a non-negative integer, got '${raw}'`);
  if (name === 'ExecutionThreads' && n < 1) throw new ConfigError('ExecutionThreads must be at least 1');
  if (name === 'MaxPendingEvents' && n < 1)
    throw new ConfigError('MaxPendingEvents must be at least 1: with 0 every event would be dropped');
  if (name === 'ExecutionMaxMemory' && n < 16) throw new ConfigError('ExecutionMaxMemory must be at least 16 (MB)');
  return n;
}

export class GearsConfig {
  private readonly builtin: BuiltinConfig;
  private readonly user = new Map<string, string>();
  private readonly listeners = new Set<(name: string) => void>();

  constructor(initial: Partial<Record<string, ConfigValue>> = {}) {
    this.builtin = { ...DEFAULT_CONFIG };
    for (const [name, value] of Object.entries(initial)) {
      if (value !== undefined) this.apply(name, value);
    }
  }

  static isBuiltin(name: string): name is keyof BuiltinConfig {
    return Object.prototype.hasOwnProperty.call(DEFAULT_CONFIG, name);
  }

  get<K extends keyof BuiltinConfig>(name: K): BuiltinConfig[K] {
    return this.builtin[name];
  }

  /** A built-in option or a user key; undefined when neither exists. */
  lookup(name: string): ConfigValue | undefined {
    if (GearsConfig.isBuiltin(name)) return this.builtin[name];
    return this.user.get(name);
  }

  /** Sets an option at run time; read-only options and invalid values throw a ConfigError. */
  set(name: string, value: ConfigValue): void {
    if (READ_ONLY.has(name)) throw new ConfigError(`${name} is read-only at run time: set it when starting the server`);
    this.apply(name, value);
    for (const listener of this.listeners) listener(name);
  }

  onChange(listener: (name: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Everything, for handing to worker threads. */
  snapshot(): Record<string, ConfigValue> {
    return { ...this.builtin, ...Object.fromEntries(this.user) };
  }

  private apply(name: string, value: ConfigValue): void {
    if (GearsConfig.isBuiltin(name))
      (this.builtin as unknown as Record<string, unknown>)[name] = parseBuiltin(name, value);
    else this.user.set(name, String(value));
  }
}
