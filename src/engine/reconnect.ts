/**
 * How the gears server's own links to Redis reconnect (ioredis' retryStrategy): at once the first time,
 * then backing off as ioredis does, without its random quarter second. Redis closes them all under a
 * `CLIENT KILL SKIPME yes` sent straight to Redis (through the gears server it spares them,
 * src/server/clients-view.ts); reconnected at once, their HELLO and CLIENT SETNAME reach Redis right after
 * the kill instead of up to a quarter second later, in the MONITOR a client may have opened meanwhile.
 */
export function reconnectDelay(attempt: number): number {
  return attempt <= 1 ? 0 : Math.min(2 ** (attempt - 1) * 50, 5000);
}
