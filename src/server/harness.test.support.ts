// Shared by the server's tests: a private Redis with a gears server in front, and a raw socket client
// for checking exact bytes. (Named *.test.* so it stays out of the published package.)
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before } from 'node:test';
import { Redis } from 'ioredis';
import { startRedis, type RedisProcess } from '../../test/support/redis.js';
import type { Logger } from '../log/logger.js';
import type { CommandTable } from './commands.js';
import type { ClientLimits } from './limits.js';
import { GearsServer } from './server.js';

export interface Stack {
  redis: RedisProcess;
  server: GearsServer;
  port: number;
  /** A client straight to the Redis, connected on first use. */
  direct: Redis;
  stop(): Promise<void>;
}

export interface StackOptions {
  password?: string;
  commands?: CommandTable;
  redisArgs?: string[];
  limits?: Partial<ClientLimits>;
  logger?: Logger;
}

/** A command table whose one RG command, `rg.test`, answers `ran`: for tests of where RG.* may run. */
export const RG_TEST_COMMANDS: CommandTable = new Map([['rg.test', () => 'ran']]);

/** One stack for the whole test file, started before its tests and stopped after them. */
export function stackForFile(opts: StackOptions = {}): () => Stack {
  let stack: Stack | undefined;
  before(async () => {
    stack = await startStack(opts);
  });
  after(async () => {
    await stack?.stop();
  });
  return () => stack!;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const redis = await startRedis(opts.redisArgs);
  const server = new GearsServer({
    redisUrl: redis.url,
    port: 0,
    password: opts.password,
    commands: opts.commands ?? new Map(),
    limits: opts.limits,
    logger: opts.logger,
  });
  const { port } = await server.listen();
  const direct = new Redis({ port: redis.port, lazyConnect: true });
  return {
    redis,
    server,
    port,
    direct,
    async stop() {
      direct.disconnect();
      await server.close();
      await redis.stop();
    },
  };
}

/** A client that sends bytes and checks exactly what comes back. */
export class RawClient {
  private data = '';
  private waiter: (() => void) | null = null;
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.data += d.toString('latin1');
      this.waiter?.();
    });
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => {});
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  write(s: string | Buffer): void {
    this.socket.write(s);
  }

  /** Waits until the received bytes start with `expected`, then consumes them. */
  async expect(expected: string, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.data.length < expected.length && Date.now() < deadline) {
      await this.arrival(deadline);
      this.waiter = null;
    }
    assert.equal(this.data.slice(0, expected.length), expected);
    this.data = this.data.slice(expected.length);
  }

  /** Waits until the received bytes match `pattern`, then consumes them up to the end of the match. */
  async until(pattern: RegExp, timeoutMs = 3000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    let m = pattern.exec(this.data);
    while (m === null && Date.now() < deadline) {
      await this.arrival(deadline);
      this.waiter = null;
      m = pattern.exec(this.data);
    }
    assert.ok(m, `expected ${pattern} in ${JSON.stringify(this.data)}`);
    this.data = this.data.slice(m.index + m[0].length);
    return m;
  }

  /** Resolves when more bytes arrive, or at `deadline` (whose timer then keeps no test file running). */
  private arrival(deadline: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Sends a command and expects exactly `reply`. */
  async roundTrip(command: string, reply: string): Promise<void> {
    this.write(command);
    await this.expect(reply);
  }

  get pending(): string {
    return this.data;
  }

  /** Half-closes: the server sees the end of input and answers what it got. */
  end(): void {
    this.socket.end();
  }

  close(): void {
    this.socket.destroy();
  }
}

export function cmd(...args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}
