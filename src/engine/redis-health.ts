// What the engine knows of its own connection to Redis, so a command that finds it down gets the
// real reason: Redis not running, Redis wanting a password, or Redis having closed the connection
// (CLIENT KILL, a timeout) while the engine reconnects. Only the first says "start Redis".
import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';
import { GearsError } from './errors.js';

/** How long a command waits for a reconnection that is under way before giving up. */
const RECONNECT_WAIT_MS = 3000;

const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EAI_AGAIN/;

/** A Redis error that means the URL lacks (or has wrong) credentials, worded as what to do. */
export function credentialsHint(message: string, address: string): string | undefined {
  if (/NOAUTH/.test(message))
    return `Redis at ${address} requires a password: put it in the Redis URL (redis://:password@${address}, or user:password@ for an ACL user), via --redis or REDIS_URL`;
  if (/WRONGPASS|invalid password|invalid username-password/i.test(message))
    return `Redis at ${address} refused the credentials in the Redis URL (${message.split('\n')[0]}): fix the password in --redis or REDIS_URL`;
  return undefined;
}

export class RedisHealth {
  private lastError: string | undefined;
  /** The link was up before and Redis closed it: a reconnection is under way. */
  private dropped = false;
  /** The engine is closing its link itself: nothing to report. */
  private stopped = false;

  constructor(
    private readonly redis: Redis,
    private readonly address: string,
    private readonly log: Logger,
  ) {
    redis.on('error', (err: NodeJS.ErrnoException) => {
      this.lastError = err.code ?? err.message;
      log.debug({ err: this.lastError }, 'redis connection error');
    });
    redis.on('ready', () => {
      if (this.dropped) log.info(`reconnected to Redis at ${address}`);
      this.dropped = false;
      this.lastError = undefined;
    });
    redis.on('close', () => {
      if (this.stopped || this.dropped || this.lastError !== undefined) return;
      this.dropped = true;
      log.warn(
        `Redis at ${address} closed the engine's connection (CLIENT KILL, a timeout or a restart); reconnecting`,
      );
    });
  }

  /** The engine closes the link: not an event to report. */
  stop(): void {
    this.stopped = true;
  }

  /** Resolves once the link is ready; waits a little for a reconnection, otherwise says why it is down. */
  async ready(): Promise<void> {
    if (this.isReady()) return;
    if (this.dropped && !this.unreachable()) await this.waitReady();
    if (!this.isReady()) throw new GearsError(this.describe());
  }

  private isReady(): boolean {
    return this.redis.status === 'ready';
  }

  /** Why the link is down, and what to do about it. */
  describe(): string {
    const error = this.lastError ?? this.redis.status;
    const hint = credentialsHint(error, this.address);
    if (hint) return hint;
    if (this.dropped && !this.unreachable())
      return `Redis at ${this.address} closed the gears server's connection (CLIENT KILL, a timeout or a restart) and it is reconnecting: retry`;
    return `cannot reach Redis at ${this.address} (${error}): start Redis or check --redis`;
  }

  private unreachable(): boolean {
    return this.lastError !== undefined && UNREACHABLE.test(this.lastError);
  }

  /** Until the reconnection succeeds, turns out hopeless (Redis refuses connections), or takes too long. */
  private waitReady(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.redis.off('ready', done);
        this.redis.off('error', onError);
        resolve();
      };
      const onError = () => this.unreachable() && done();
      const timer = setTimeout(done, RECONNECT_WAIT_MS);
      this.redis.once('ready', done);
      this.redis.on('error', onError);
    });
  }
}
