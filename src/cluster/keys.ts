// gearbox's own keys in a cluster. Each lives under a shard's hash tag, so Redis stores it on that
// shard; readers never show keys starting with __gearbox: to functions (src/engine/readers/context.ts).

/** The stream where a shard's gears server receives control messages (run, done, abort, ...). */
export const inboxKey = (tag: string): string => `__gearbox:{${tag}}:inbox`;

/** Holds a live gears server's run id, with a short expiry its heartbeat renews. */
export const presenceKey = (tag: string): string => `__gearbox:{${tag}}:server`;

/** The stream through which a shard receives the records of one exchange stage of one execution. */
export const stageKey = (tag: string, executionId: string, stage: number): string =>
  `__gearbox:{${tag}}:stage:${executionId}:${stage}`;

/** Where clients reach a shard's gears server (host:port), so a client given one node can route keys to all. */
export const addressKey = (tag: string): string => `__gearbox:{${tag}}:address`;
