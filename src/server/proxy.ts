// The Redis connection pinned to one client. Commands go out in the client's order; Redis' replies
// come back verbatim, whole frames only, in runs. The link keeps a FIFO of what each sent command
// expects back, so it knows which frames are replies, which are unsolicited (pushes, RESP2 pub/sub
// messages, MONITOR lines) and which are its own (the prelude that authenticates and selects the db).
import { connect, type Socket } from 'node:net';
import { childLogger } from '../log/logger.js';
import { encodeCommand } from './resp/encode.js';
import type { Request } from './resp/request.js';
import { type FrameSink, RespScanner } from './resp/scan.js';
import { PubsubKind, readPubsubFrame, SUBSCRIBE_COMMANDS } from './pubsub.js';
import type { RedisTarget } from './redis-url.js';
import { BatchWriter } from './writer.js';

const log = childLogger('server.proxy');

/** What the link reports to the client connection it serves. */
export interface LinkOwner {
  /** Bytes for the client, whole frames, in order. */
  send(bytes: Buffer): void;
  /** `n` commands sent with forward() have been answered. */
  answered(n: number): void;
  /** HELLO succeeded: replies now come in this protocol. */
  protocolChanged(protocol: 2 | 3): void;
  /** RESET succeeded: Redis reset the connection's state. */
  wasReset(): void;
  /**
   * The link is gone; its last `answered` commands were answered (most with an error). `stateful`: Redis
   * held state for the client (transaction, watch, subscriptions, monitor) that a new link would lack.
   */
  lost(answered: number, stateful: boolean): void;
}

// What a sent command expects back.
const REPLY = 0; // one frame, for the client
const PRELUDE = 1; // one frame, the link's own; an error means the --redis credentials are wrong
const SUBSCRIBE = 2; // pushes or RESP2 confirmations pass through; errors go to the client; then our PING's reply ends it
const HELLO2 = 3;
const HELLO3 = 4;
const RESET = 5;
const SELECT = 6;

const PING = encodeCommand(['PING']);
const CONNECT_TIMEOUT_MS = 5000;
const T_PUSH = 0x3e; // >
const T_ARRAY = 0x2a; // *
const T_ERROR = 0x2d; // -
const T_SIMPLE = 0x2b; // +

export interface LinkState {
  /** The database a fresh link selects (the URL's, or the client's last SELECT). */
  db: number;
  protocol: 2 | 3;
}

export class RedisLink implements FrameSink {
  private readonly socket: Socket;
  private readonly out: BatchWriter;
  private readonly scanner = new RespScanner(false);
  /** Expectations of sent commands: kinds[head..] are pending. */
  private kinds: number[] = [];
  private head = 0;
  private readonly selects: number[] = [];
  private connected = false;
  /** Closed by us or failed: no more reports to the owner. */
  private dead = false;
  // per-chunk scanning state
  private chunk: Buffer = Buffer.alloc(0);
  private start = 0;
  private runStart = -1;
  private runEnd = 0;
  private held: Buffer[] = [];
  private answeredInChunk = 0;
  // Redis-side session state
  private inMulti = false;
  private watching = false;
  private monitoring = false;
  private subscriptions = 0;
  private shardSubscriptions = 0;
  /** The database this link has selected. */
  db: number;

  constructor(
    private readonly target: RedisTarget,
    private readonly owner: LinkOwner,
    state: LinkState,
  ) {
    this.db = state.db;
    this.socket = connect({ host: target.host, port: target.port });
    this.socket.setNoDelay(true);
    // an address that drops packets would leave commands waiting for the OS timeout (minutes)
    this.socket.setTimeout(CONNECT_TIMEOUT_MS, () => this.fail('ETIMEDOUT'));
    this.out = new BatchWriter(this.socket);
    this.socket.on('connect', () => {
      this.connected = true;
      this.socket.setTimeout(0);
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err: NodeJS.ErrnoException) => this.fail(err.code ?? err.message));
    this.socket.on('close', () => this.fail('connection closed'));
    this.prelude(state.db, state.protocol);
  }

  /** The client socket, paused while Redis' socket is full. */
  set clientSide(peer: { pause(): void; resume(): void }) {
    this.out.peer = peer;
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** Authenticates and selects the database from the URL, and restores a negotiated protocol. */
  private prelude(db: number, protocol: 2 | 3): void {
    const { username, password } = this.target;
    if (password !== undefined) {
      this.send(PRELUDE, encodeCommand(username ? ['AUTH', username, password] : ['AUTH', password]));
    }
    if (db !== 0) this.send(PRELUDE, encodeCommand(['SELECT', String(db)]));
    if (protocol === 3) this.send(PRELUDE, encodeCommand(['HELLO', '3']));
  }

  private send(kind: number, bytes: Buffer): void {
    this.kinds.push(kind);
    this.out.write(bytes);
  }

  /** Sends a client's command; its reply will reach the owner in order. */
  forward(req: Request): void {
    const bytes = req.raw ?? encodeCommand([req.name, ...req.args]);
    const name = req.name;
    if (SUBSCRIBE_COMMANDS.has(name) && !this.inMulti) {
      // How many confirmations come back is not known in advance (UNSUBSCRIBE without arguments
      // answers once per subscription), so a PING follows: its reply marks the end.
      this.send(SUBSCRIBE, bytes);
      this.out.write(PING);
      return;
    }
    switch (name) {
      case 'select':
        this.selects.push(Number(req.args[0]?.toString()));
        return this.send(SELECT, bytes);
      case 'reset':
        this.send(RESET, bytes);
        // RESET deauthenticates and selects db 0 on Redis too: put the URL's credentials and db back
        return this.prelude(this.target.db, 2);
      case 'multi':
        this.inMulti = true;
        break;
      case 'exec':
      case 'discard':
        this.inMulti = false;
        this.watching = false;
        break;
      case 'watch':
        this.watching = true;
        break;
      case 'unwatch':
        this.watching = false;
        break;
      case 'monitor':
        this.monitoring = true;
        break;
    }
    this.send(REPLY, bytes);
  }

  /** Sends a HELLO (already stripped of the server's AUTH); on success the owner learns the protocol. */
  hello(version: 2 | 3 | undefined, bytes: Buffer): void {
    this.send(version === 3 ? HELLO3 : version === 2 ? HELLO2 : REPLY, bytes);
  }

  /** Closes the link for good, without reporting (the client went away). */
  close(): void {
    this.dead = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.chunk = chunk;
    this.start = 0;
    this.runStart = -1;
    this.answeredInChunk = 0;
    try {
      this.scanner.scan(chunk, this);
    } catch (err) {
      log.error({ err }, 'unparseable reply from Redis; dropping the link');
      this.fail('unparseable reply');
    }
    if (this.dead) return;
    this.flushRun();
    if (this.start < chunk.length) this.held.push(chunk.subarray(this.start));
    this.compact();
    if (this.answeredInChunk > 0) this.owner.answered(this.answeredInChunk);
  }

  frame(type: number, end: number): void {
    if (this.dead) return;
    const start = this.start;
    this.start = end;
    let whole: Buffer | null = null;
    if (this.held.length > 0) {
      this.flushRun();
      this.held.push(this.chunk.subarray(0, end));
      whole = Buffer.concat(this.held);
      this.held = [];
    }
    const kind = this.head < this.kinds.length ? this.kinds[this.head] : -1;
    if (type === T_PUSH) {
      this.track(whole ?? this.chunk.subarray(start, end));
      return this.pass(start, end, whole);
    }
    if (type === T_ARRAY && (kind === SUBSCRIBE || this.subscriptions + this.shardSubscriptions > 0)) {
      const f = whole ?? this.chunk.subarray(start, end);
      if (this.track(f)) return this.pass(start, end, whole);
    }
    if (this.monitoring && type === T_SIMPLE) {
      const f = whole ?? this.chunk.subarray(start, end);
      // MONITOR lines start with a timestamp; replies to our own commands never do
      if (kind < 0 || (f[1] >= 0x30 && f[1] <= 0x39)) return this.pass(start, end, whole);
    }
    if (kind < 0) {
      log.warn('Redis sent a frame nobody asked for; passing it to the client');
      return this.pass(start, end, whole);
    }
    switch (kind) {
      case REPLY:
        this.settle();
        return this.pass(start, end, whole);
      case PRELUDE:
        this.head++;
        this.drop();
        if (type === T_ERROR || type === 0x21) {
          const text = (whole ?? this.chunk.subarray(start, end)).toString('utf8', 1).trim();
          this.fail(
            'setup refused',
            `ERR gearbox: Redis at ${this.target.address} refused the credentials or database of --redis (${text}): fix the Redis URL`,
          );
        }
        return;
      case SUBSCRIBE:
        if (type === T_ERROR) return this.pass(start, end, whole);
        // our PING's reply: the subscribe command is complete
        this.settle();
        return this.drop();
      case HELLO2:
      case HELLO3:
        this.settle();
        this.pass(start, end, whole);
        if (type !== T_ERROR) this.owner.protocolChanged(kind === HELLO3 ? 3 : 2);
        return;
      case RESET:
        this.settle();
        this.pass(start, end, whole);
        if (type !== T_ERROR) {
          this.inMulti = this.watching = this.monitoring = false;
          this.subscriptions = this.shardSubscriptions = 0;
          this.db = this.target.db;
          this.owner.wasReset();
        }
        return;
      case SELECT: {
        this.settle();
        const db = this.selects.shift() ?? this.db;
        if (type !== T_ERROR) this.db = db;
        return this.pass(start, end, whole);
      }
    }
  }

  private settle(): void {
    this.head++;
    this.answeredInChunk++;
  }

  /** Follows subscription counts; true if the frame is a pub/sub frame. */
  private track(f: Buffer): boolean {
    const p = readPubsubFrame(f);
    if (p.kind === PubsubKind.Confirm) this.subscriptions = p.count;
    else if (p.kind === PubsubKind.ShardConfirm) this.shardSubscriptions = p.count;
    return p.kind !== PubsubKind.None;
  }

  /** Relays a frame: extends the current run of the chunk, or sends a frame assembled across chunks. */
  private pass(start: number, end: number, whole: Buffer | null): void {
    if (whole) {
      this.owner.send(whole);
      return;
    }
    if (this.runStart < 0) this.runStart = start;
    this.runEnd = end;
  }

  private drop(): void {
    this.flushRun();
  }

  private flushRun(): void {
    if (this.runStart >= 0) {
      this.owner.send(this.chunk.subarray(this.runStart, this.runEnd));
      this.runStart = -1;
    }
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.kinds.length) {
      this.kinds = this.kinds.slice(this.head);
      this.head = 0;
    }
  }

  private get stateful(): boolean {
    return this.inMulti || this.watching || this.monitoring || this.subscriptions + this.shardSubscriptions > 0;
  }

  /** Answers every pending command with an error naming what happened, then tells the owner. */
  private fail(why: string, message?: string): void {
    if (this.dead) return;
    this.dead = true;
    this.flushRun();
    this.socket.destroy();
    const { address } = this.target;
    message ??= this.connected
      ? `ERR gearbox: lost the connection to Redis at ${address} (${why}) before it replied; the command may or may not have run. Retry once Redis is back`
      : `ERR gearbox: cannot reach Redis at ${address} (${why}): start Redis or check --redis`;
    log.debug({ redis: address, why }, 'Redis link failed');
    const error = Buffer.from(`-${message}\r\n`);
    let answered = this.answeredInChunk;
    this.answeredInChunk = 0;
    let stateful = this.stateful;
    for (let i = this.head; i < this.kinds.length; i++) {
      const kind = this.kinds[i];
      if (kind === PRELUDE) continue;
      if (kind === SUBSCRIBE) stateful = true;
      this.owner.send(error);
      answered++;
    }
    this.kinds = [];
    this.head = 0;
    this.owner.lost(answered, stateful);
  }
}
