// The gears server's per-client limits, named and written as Redis' own (maxclients,
// client-query-buffer-limit, client-output-buffer-limit <class> <hard> <soft> <soft-seconds>), with
// defaults that keep its memory bounded; Redis' own defaults leave the normal class unlimited, which a
// proxy that reads ahead for pipelining cannot afford.

/** A class's output limit in bytes; 0 turns a bound off, as in Redis. */
export interface OutputLimit {
  readonly hard: number;
  readonly soft: number;
  readonly softSeconds: number;
}

export type OutputClass = 'normal' | 'pubsub';

export interface ClientLimits {
  /** maxclients: connections beyond this many are refused. */
  readonly maxClients: number;
  /** client-query-buffer-limit: input held for a client (a command not yet complete, commands waiting). */
  readonly queryBufferLimit: number;
  readonly output: Readonly<Record<OutputClass, OutputLimit>>;
  /** Unsent replies above this: the client's input is not read until they drain (back-pressure). */
  readonly outputPauseMark: number;
  /** Received commands waiting to run above this: the client's input is not read until they run. */
  readonly inputPauseMark: number;
  /** Before AUTH: Redis closes a client that floods it within its first megabyte. */
  readonly unauthenticated: { readonly queryBufferLimit: number; readonly outputLimit: number };
  /** Failed AUTH attempts a connection gets before it is closed. */
  readonly maxAuthFailures: number;
}

const KB = 1024;
const MB = 1024 * KB;

export const DEFAULT_CLIENT_LIMITS: ClientLimits = {
  maxClients: 10000,
  queryBufferLimit: 1024 * MB,
  output: {
    normal: { hard: 256 * MB, soft: 0, softSeconds: 0 },
    pubsub: { hard: 32 * MB, soft: 8 * MB, softSeconds: 60 },
  },
  outputPauseMark: 1 * MB,
  inputPauseMark: 1 * MB,
  unauthenticated: { queryBufferLimit: 1 * MB, outputLimit: 64 * KB },
  maxAuthFailures: 3,
};

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: KB,
  m: 1000 * 1000,
  mb: MB,
  g: 1000 ** 3,
  gb: 1024 * MB,
};

/** A size as Redis writes it in its configuration: `1gb`, `64mb`, `512kb`, `1000`. */
export function parseSize(text: string, option: string): number {
  const m = /^(\d+)\s*([kmg]?b?)$/i.exec(text.trim());
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined)
    throw new Error(`${option} takes a size such as 1gb, 64mb, 512kb or 1000 (bytes), got '${text}'`);
  return Number(m[1]) * unit;
}

/** `<class> <hard> <soft> <soft-seconds>`, as Redis' client-output-buffer-limit. */
export function parseOutputLimit(spec: string): { klass: OutputClass; limit: OutputLimit } {
  const option = 'client-output-buffer-limit';
  const [klass, hard, soft, seconds, ...rest] = spec.trim().split(/\s+/);
  if (klass !== 'normal' && klass !== 'pubsub')
    throw new Error(`${option} takes a class of normal or pubsub first (replica does not apply here), got '${spec}'`);
  if (seconds === undefined || rest.length > 0 || !/^\d+$/.test(seconds))
    throw new Error(`${option} takes '<class> <hard> <soft> <soft-seconds>', e.g. 'pubsub 32mb 8mb 60', got '${spec}'`);
  return {
    klass,
    limit: { hard: parseSize(hard, option), soft: parseSize(soft, option), softSeconds: Number(seconds) },
  };
}

/** Human-readable size for log lines. */
export function formatSize(bytes: number): string {
  if (bytes >= MB) return `${Math.round(bytes / MB)} MB`;
  if (bytes >= KB) return `${Math.round(bytes / KB)} KB`;
  return `${bytes} bytes`;
}
