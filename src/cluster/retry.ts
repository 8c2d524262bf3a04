// SendMsgRetries as RedisGears meant it: a message between shards is sent at most that many times in
// all, the first send included (RedisGears counted resends and gave up once the count reached the
// setting), and 0 means no limit. gearbox bounds "no limit" by ExecutionMaxIdleTime, after which the
// execution would be aborted anyway, so a send never hangs.

export interface RetryPolicy {
  /** SendMsgRetries: tries in all; 0: keep trying for `idleMs`. */
  readonly retries: number;
  /** ExecutionMaxIdleTime. */
  readonly idleMs: number;
}

/** Runs `send` until it succeeds or the policy's tries are spent; then throws `failure(tries, lastError)`. */
export async function sendWithRetries(
  policy: RetryPolicy,
  send: () => Promise<void>,
  failure: (tries: string, last: Error) => Error,
): Promise<void> {
  const started = Date.now();
  let last: Error;
  for (let tries = 1; ; tries++) {
    try {
      return await send();
    } catch (err) {
      last = err instanceof Error ? err : new Error(String(err));
    }
    const spent = policy.retries > 0 ? tries >= policy.retries : Date.now() - started >= Math.max(policy.idleMs, 1);
    if (spent) {
      const count = `${tries} ${tries === 1 ? 'try' : 'tries'}`;
      throw failure(
        policy.retries > 0
          ? `${count} (SendMsgRetries ${policy.retries})`
          : `${count} in ${policy.idleMs} ms (SendMsgRetries 0: until ExecutionMaxIdleTime)`,
        last,
      );
    }
    await new Promise((r) => setTimeout(r, 50 * Math.min(tries, 10)));
  }
}
