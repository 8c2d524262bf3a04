import assert from 'node:assert/strict';

/** Polls `check` until it holds (events arrive asynchronously); fails after a generous deadline. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/**
 * Like `waitFor`, for checks that fail while a cluster or a failover settles (a refused connection, a
 * READONLY reply): a check that throws counts as not yet. Polls slower, and waits up to a minute.
 */
export async function waitThrough(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`gave up waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
