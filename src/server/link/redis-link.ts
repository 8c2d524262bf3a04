// One connection to Redis. It sets itself up (credentials, database, protocol), writes commands in
// batches, and pairs every frame Redis sends with the expectation of the command it answers
// (pairing.ts), relaying reply bytes verbatim. A link is either shared by many clients (multiplexed
// stateless commands of one user, database and protocol) or dedicated to one client, whose
// unsolicited frames (pushes, RESP2 pub/sub messages, MONITOR lines) it also relays.
import { connect, type Socket } from 'node:net';
import { childLogger } from '../../log/logger.js';
import { encodeCommand } from '../resp/encode.js';
import { type FrameSink, RespScanner } from '../resp/scan.js';
import type { RedisTarget } from '../redis-url.js';
import { type Pausable, BatchWriter } from '../writer.js';
import { type Expect, isErrorFrame } from './expect.js';
import { Pending } from './pairing.js';
import { RedisSideState } from './redis-state.js';
import { type LinkSetup, setupCommands } from './setup.js';

const log = childLogger('server.link');

const PING = encodeCommand(['PING']);
const CONNECT_TIMEOUT_MS = 5000;
const T_PUSH = 0x3e; // >
const T_ARRAY = 0x2a; // *
const T_SIMPLE = 0x2b; // +

/** Why a link ended, for its owners. */
export interface LinkLoss {
  /** The link had connected (so Redis closed it, or died), as opposed to never reaching Redis. */
  readonly connected: boolean;
  /** The error reply owners give their pending commands when they answer them rather than close. */
  readonly message: string;
  /** Redis refused the link's setup (credentials or database). */
  readonly refused: boolean;
}

/** Whoever sent commands on a link. */
export interface LinkOwner {
  /** Reply bytes for the client: whole frames, in order. */
  relay(bytes: Buffer): void;
  /** One of this owner's commands is fully answered; `frame` is its (last) frame. */
  answered(expect: Expect, frame: Buffer): void;
  /** The link is gone with `pending` of this owner's commands unanswered. */
  lost(link: RedisLink, pending: number, loss: LinkLoss): void;
}

export class RedisLink implements FrameSink {
  private readonly socket: Socket;
  private readonly out: BatchWriter;
  private readonly scanner = new RespScanner(false);
  private readonly pending = new Pending<LinkOwner>();
  /** Redis-side state; followed on dedicated links only (shared links carry stateless commands). */
  readonly state = new RedisSideState();
  private connected = false;
  private dead = false;
  // per-chunk scanning state
  private chunk: Buffer = Buffer.alloc(0);
  private start = 0;
  private held: Buffer[] = [];
  /** Receives Redis' raw bytes once the link is a tunnel (SYNC/PSYNC). */
  private tunnelSink: ((bytes: Buffer) => void) | null = null;
  /** Runs once the setup commands are answered (a tunnel starts only then). */
  private idle: (() => void) | null = null;
  /** Called once when the link ends (a pool forgets it). */
  onEnd: ((link: RedisLink) => void) | null = null;

  constructor(
    private readonly target: RedisTarget,
    /** What the link is set up with; kept current as the client changes database, protocol or user on it. */
    readonly setup: LinkSetup,
    /** The one client of a dedicated link; null for a shared one. */
    private readonly dedicated: LinkOwner | null,
  ) {
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
    for (const bytes of setupCommands(setup)) this.send(null, 'setup', bytes);
  }

  get alive(): boolean {
    return !this.dead;
  }

  get isDedicated(): boolean {
    return this.dedicated !== null;
  }

  /** The client's socket, paused while Redis' socket is full (dedicated links). */
  set clientSide(peer: Pausable) {
    this.out.peer = peer;
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** Writes a command whose answer `expect` describes (null: Redis will not answer it). */
  send(owner: LinkOwner | null, expect: Expect | null, bytes: Buffer): void {
    if (expect !== null) this.pending.push(owner, expect);
    this.out.write(bytes);
  }

  /** A (P|S)(UN)SUBSCRIBE: its confirmations are relayed until the reply of a PING sent after it. */
  subscribe(owner: LinkOwner, bytes: Buffer): void {
    this.pending.push(owner, 'subscribe');
    this.out.write(bytes);
    this.out.write(PING);
  }

  /** Hands the link over to a byte tunnel: from now on Redis' bytes go to `sink` unread. */
  tunnel(sink: (bytes: Buffer) => void): void {
    this.tunnelSink = sink;
  }

  /** Calls `cb` once nothing is pending on the link. */
  whenIdle(cb: () => void): void {
    if (this.pending.size === 0) cb();
    else this.idle = cb;
  }

  /** Writes bytes as they are (a tunnel's client side). */
  writeRaw(bytes: Buffer): void {
    this.out.write(bytes);
  }

  /** Closes the link for good without telling its owners (its client went away). */
  close(): void {
    if (this.dead) return;
    this.dead = true;
    this.socket.destroy();
    this.onEnd?.(this);
  }

  private onData(chunk: Buffer): void {
    if (this.tunnelSink) return this.tunnelSink(chunk);
    this.chunk = chunk;
    this.start = 0;
    try {
      this.scanner.scan(chunk, this);
    } catch (err) {
      log.error({ err }, 'unparseable reply from Redis; dropping the link');
      return this.fail('unparseable reply');
    }
    if (this.dead) return;
    if (this.start < chunk.length) this.held.push(chunk.subarray(this.start));
  }

  frame(type: number, end: number): void {
    if (this.dead) return;
    let f = this.chunk.subarray(this.start, end);
    this.start = end;
    if (this.held.length > 0) {
      this.held.push(f);
      f = Buffer.concat(this.held);
      this.held = [];
    }
    const pending = this.pending;
    const expect = pending.expect;
    const dedicated = this.dedicated;
    if (dedicated !== null && this.unsolicited(type, f, expect)) return dedicated.relay(f);
    if (expect === null) {
      if (dedicated !== null) return dedicated.relay(f);
      log.warn('Redis sent a frame nobody asked for on a shared link; dropping it');
      return;
    }
    const owner = pending.owner as LinkOwner;
    if (expect === 'reply') {
      pending.shift();
      owner.relay(f);
      return owner.answered(expect, f);
    }
    switch (expect) {
      case 'setup':
        pending.shift();
        // a link without credentials to a Redis that requires them can only authenticate: its
        // client gets Redis' NOAUTH for everything else, and moves to a link with credentials after AUTH
        if (isErrorFrame(f) && !(this.setup.credentials === null && f.toString('latin1', 1, 7) === 'NOAUTH'))
          return this.refused(f);
        if (this.idle !== null && pending.size === 0) {
          const idle = this.idle;
          this.idle = null;
          idle();
        }
        return;
      case 'drop':
        pending.shift();
        return;
      case 'subscribe':
        // an error (wrong arity, or refused in this context) comes before our PING's reply
        if (isErrorFrame(f)) return owner.relay(f);
        pending.shift();
        return owner.answered(expect, f);
      case 'probe':
        pending.shift();
        return owner.answered(expect, f);
      default:
        pending.shift();
        owner.relay(f);
        if (expect === 'reset' && !isErrorFrame(f)) this.state.reset();
        return owner.answered(expect, f);
    }
  }

  /** A dedicated link's frame that answers no command: a push, a RESP2 pub/sub frame, a MONITOR line. */
  private unsolicited(type: number, f: Buffer, expect: Expect | null): boolean {
    const state = this.state;
    if (type === T_PUSH) {
      state.seen(f);
      return true;
    }
    if (type === T_ARRAY && (expect === 'subscribe' || state.subscribed)) return state.seen(f);
    // MONITOR lines start with a timestamp; replies to commands never do
    if (state.monitoring && type === T_SIMPLE) return expect === null || (f[1] >= 0x30 && f[1] <= 0x39);
    return false;
  }

  private refused(f: Buffer): void {
    const text = f.toString('utf8', 1).trim();
    const whose =
      this.setup.credentials?.fromUrl === false
        ? 'the credentials this client authenticated with'
        : 'the credentials or database of --redis';
    const fix = this.setup.credentials?.fromUrl === false ? 'AUTH again' : 'fix the Redis URL';
    this.fail('setup refused', `ERR gearbox: Redis at ${this.target.address} refused ${whose} (${text}): ${fix}`);
  }

  /** Ends the link and tells every owner with pending commands (and a dedicated link's owner) what happened. */
  private fail(why: string, refusal?: string): void {
    if (this.dead) return;
    this.dead = true;
    this.socket.destroy();
    const { address } = this.target;
    const message =
      refusal ??
      (this.connected
        ? `ERR gearbox: lost the connection to Redis at ${address} (${why}) before it replied; the command may or may not have run. Retry once Redis is back`
        : `ERR gearbox: cannot reach Redis at ${address} (${why}): start Redis or check --redis`);
    log.debug({ redis: address, why }, 'Redis link ended');
    const loss: LinkLoss = { connected: this.connected, message, refused: refusal !== undefined };
    const counts = this.pending.drain();
    this.onEnd?.(this);
    if (this.dedicated !== null) {
      this.dedicated.lost(this, counts.get(this.dedicated) ?? 0, loss);
      return;
    }
    for (const [owner, n] of counts) owner.lost(this, n, loss);
  }
}
