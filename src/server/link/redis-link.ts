// One connection to Redis. It sets itself up (credentials, database, protocol), writes commands in
// batches, and pairs every frame Redis sends with the expectation of the command it answers
// (pairing.ts), relaying reply bytes verbatim. A link is either shared by many clients (multiplexed
// stateless commands of one user, database and protocol) or dedicated to one client, whose
// unsolicited frames (pushes, RESP2 pub/sub messages, MONITOR lines) it also relays.
// Buffer and performance imported, not read from globalThis: Node defines both there as getters, which
// optimized code calls on every use
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { childLogger } from '../../log/logger.js';
import { encodeCommand } from '../resp/encode.js';
import type { Request } from '../resp/request.js';
import { type FrameSink, RespScanner } from '../resp/scan.js';
import type { RedisTarget } from '../redis-url.js';
import { SocketReads } from '../reads.js';
import { type Pausable, BatchWriter } from '../writer.js';
import { type Expect, isErrorFrame } from './expect.js';
import { Pending } from './pairing.js';
import { RedisSideState } from './redis-state.js';
import { redisAddress } from '../clients-view.js';
import { retire } from './retiring.js';
import { type LinkSetup, setupCommands } from './setup.js';

const log = childLogger('server.link');

const PING = encodeCommand(['PING']);
const CONNECT_TIMEOUT_MS = 5000;
const SETUP_RETRY_MS = 50;
/** How long Redis may leave a link's oldest command unanswered before the link counts as stalled. */
const STALL_MS = 50;
/**
 * A reply this large arriving also counts as stalled: the other clients of a shared link would wait for
 * all of it (a 64 MB value takes about a tenth of a second on loopback), while Redis can answer them
 * meanwhile on another link.
 */
const LARGE_REPLY_BYTES = 1024 * 1024;
const T_PUSH = 0x3e; // >
const T_ARRAY = 0x2a; // *
const T_SIMPLE = 0x2b; // +
/** A shared link carries many clients' replies: larger reads than a client's commands need. */
const LINK_READ_BYTES = 64 * 1024;

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
  /** Reply bytes for the client, in order: whole frames, or the pieces of one that spanned reads. */
  relay(bytes: Buffer | readonly Buffer[]): void;
  /** A whole reply frame for the client: bytes [start, end) of the chunk Redis' bytes were read in. */
  relaySlice(chunk: Buffer, start: number, end: number): void;
  /** One of this owner's commands is fully answered; `frame` is its (last) frame. */
  answered(expect: Expect, frame: Buffer): void;
  /** One of this owner's commands that expected a 'reply' is answered (relayed, nothing else to read of it). */
  replied(): void;
  /** The link is gone with `pending` of this owner's commands unanswered. */
  lost(link: RedisLink, pending: number, loss: LinkLoss): void;
}

export class RedisLink implements FrameSink {
  private readonly socket: Socket;
  private readonly out: BatchWriter;
  /** Replies are read into a reused buffer (reads.ts): a frame kept past its read must say so. */
  private readonly reads = new SocketReads((chunk) => this.onData(chunk), LINK_READ_BYTES);
  private readonly scanner = new RespScanner(false);
  private readonly pending = new Pending<LinkOwner>();
  /** Redis-side state; followed on dedicated links only (shared links carry stateless commands). */
  readonly state = new RedisSideState();
  private connected = false;
  private dead = false;
  // per-chunk scanning state
  private chunk: Buffer = Buffer.alloc(0);
  private start = 0;
  private partial: Buffer[] = [];
  /** Bytes in `partial`: a large frame on its way (see `stalled`). */
  private partialBytes = 0;
  /** Receives Redis' raw bytes once the link is a tunnel (SYNC/PSYNC). */
  private tunnelSink: ((bytes: Buffer) => void) | null = null;
  /** Runs once the setup commands are answered (a tunnel starts only then). */
  private idle: (() => void) | null = null;
  /**
   * Setup commands not answered yet, in order. Commands wait in `held` until all are answered, so
   * none runs on a half set-up connection (for example one still authenticated as the URL's user).
   */
  private setupQueue: Buffer[] = [];
  private held: Array<{ owner: LinkOwner | null; expect: Expect | null; bytes: Buffer | readonly Buffer[] }> = [];
  /** When the link last heard from Redis or started waiting for it (see `stalled`). */
  private lastProgress = 0;
  /** Called once when the link ends (a pool forgets it). */
  onEnd: ((link: RedisLink) => void) | null = null;

  constructor(
    private readonly target: RedisTarget,
    /** What the link is set up with; kept current as the client changes database, protocol or user on it. */
    readonly setup: LinkSetup,
    /** The one client of a dedicated link; null for a shared one (or a spare until adopted). */
    private dedicated: LinkOwner | null,
  ) {
    this.socket = target.tls
      ? tlsConnect({ host: target.host, port: target.port, ...target.tlsOptions })
      : connect({ host: target.host, port: target.port, onread: this.reads.onread });
    this.socket.setNoDelay(true);
    // an address that drops packets would leave commands waiting for the OS timeout (minutes)
    this.socket.setTimeout(CONNECT_TIMEOUT_MS, () => this.fail('ETIMEDOUT'));
    this.out = new BatchWriter(this.socket);
    this.socket.on('connect', () => {
      this.connected = true;
      this.socket.setTimeout(0);
    });
    if (target.tls) this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err: NodeJS.ErrnoException) => this.fail(err.code ?? err.message));
    this.socket.on('close', () => this.fail('connection closed'));
    this.setupQueue = setupCommands(setup, target);
    for (const bytes of this.setupQueue) {
      this.pending.push(null, 'setup');
      this.out.write(bytes);
    }
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** This end of the connection as Redis lists it (`addr=` in CLIENT LIST); '' before it connected. */
  get listedAddress(): string {
    return redisAddress(this.socket.localAddress, this.socket.localPort);
  }

  /** A spare link (spares.ts) becomes `owner`'s own; it has carried nothing but its setup. */
  adopt(owner: LinkOwner): void {
    this.dedicated = owner;
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
  send(owner: LinkOwner | null, expect: Expect | null, bytes: Buffer | readonly Buffer[]): void {
    if (this.setupQueue.length > 0) {
      this.held.push({ owner, expect, bytes });
      return;
    }
    this.expecting(owner, expect);
    this.out.write(bytes);
  }

  /**
   * Forwards a client's command as it was received (copied from its place in the chunk it was read in,
   * if it has one); false when the link keeps the command's bytes as they are, to send later.
   */
  forward(owner: LinkOwner, expect: Expect | null, req: Request): boolean {
    const chunk = req.chunk;
    if (chunk === null || this.setupQueue.length > 0) {
      this.send(owner, expect, req.bytes());
      return false;
    }
    this.expecting(owner, expect);
    this.out.slice(chunk, req.start, req.end);
    return true;
  }

  private expecting(owner: LinkOwner | null, expect: Expect | null): void {
    if (expect === null) return;
    if (this.pending.size === 0) this.lastProgress = performance.now();
    this.pending.push(owner, expect);
  }

  /** A (P|S)(UN)SUBSCRIBE: its confirmations are relayed until the reply of a PING sent after it. */
  subscribe(owner: LinkOwner, bytes: Buffer | readonly Buffer[]): void {
    this.send(owner, 'subscribe', bytes);
    this.send(null, null, PING);
  }

  /**
   * Redis has not answered this link for a while (CLIENT PAUSE holding a write, a slow command), or
   * it is sending a large reply: a client with nothing in flight should not queue behind it.
   */
  get stalled(): boolean {
    if (this.pending.size === 0) return false;
    return this.partialBytes >= LARGE_REPLY_BYTES || performance.now() - this.lastProgress > STALL_MS;
  }

  /** Hands the link over to a byte tunnel: from now on Redis' bytes go to `sink` unread. */
  tunnel(sink: (bytes: Buffer) => void): void {
    this.tunnelSink = sink;
  }

  /**
   * Moves an idle link to database `db` (SELECT as a setup command: later commands wait for it, and a
   * refusal fails the link).
   */
  select(db: number): void {
    if (db === this.setup.db) return;
    this.setup.db = db;
    const bytes = encodeCommand(['SELECT', String(db)]);
    this.setupQueue.push(bytes);
    this.pending.push(null, 'setup');
    this.out.write(bytes);
  }

  /** Set up without credentials for a Redis that required them: its database may not be selected. */
  unselected = false;

  /** Calls `cb` once nothing is pending on the link. */
  whenIdle(cb: () => void): void {
    if (this.pending.size === 0 && this.setupQueue.length === 0) cb();
    else this.idle = cb;
  }

  /** Writes bytes as they are (a tunnel's client side). */
  writeRaw(bytes: Buffer | readonly Buffer[]): void {
    this.out.write(bytes);
  }

  /** Closes the link for good without telling its owners (its client went away). */
  close(): void {
    if (this.dead) return;
    this.dead = true;
    if (this.connected) retire(this.listedAddress);
    this.socket.destroy();
    this.onEnd?.(this);
  }

  private onData(chunk: Buffer): void {
    if (this.tunnelSink) {
      this.reads.keep();
      return this.tunnelSink(chunk);
    }
    this.chunk = chunk;
    this.start = 0;
    this.lastProgress = performance.now();
    try {
      this.scanner.scan(chunk, this);
    } catch (err) {
      log.error({ err }, 'unparseable reply from Redis; dropping the link');
      return this.fail('unparseable reply');
    }
    if (this.dead) return;
    if (this.start < chunk.length) {
      this.reads.keep();
      this.partial.push(chunk.subarray(this.start));
      this.partialBytes += chunk.length - this.start;
    }
  }

  frame(type: number, end: number): void {
    if (this.dead) return;
    const chunk = this.chunk;
    const start = this.start;
    this.start = end;
    const pending = this.pending;
    const expect = pending.expect;
    if (expect === 'reply' && this.partial.length === 0 && !this.mayBeUnsolicited(type)) {
      // the usual case, kept free of allocations: a whole reply relayed from where it was read
      const owner = pending.owner as LinkOwner;
      pending.shift();
      owner.relaySlice(chunk, start, end);
      return owner.replied();
    }
    // any other frame may be kept by whoever it goes to (a hook's hold, a handler decoding it)
    this.reads.keep();
    let f = chunk.subarray(start, end);
    const dedicated = this.dedicated;
    if (this.partial.length > 0) {
      const pieces = this.partial;
      pieces.push(f);
      this.partial = [];
      this.partialBytes = 0;
      if (expect === 'reply' && !this.mayBeUnsolicited(type)) {
        // a reply that spanned reads (a large value) is relayed in the pieces it came in, never joined
        const owner = pending.owner as LinkOwner;
        pending.shift();
        owner.relay(pieces);
        return owner.answered(expect, f);
      }
      f = Buffer.concat(pieces);
    }
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
        return this.setUp(f);
      case 'drop':
        pending.shift();
        return;
      case 'subscribe':
        // an error (wrong arity, or refused in this context) comes before our PING's reply
        if (isErrorFrame(f)) return owner.relay(f);
        pending.shift();
        return owner.answered(expect, f);
      case 'probe':
      case 'fetch':
        pending.shift();
        return owner.answered(expect, f);
      default:
        pending.shift();
        owner.relay(f);
        if (expect === 'reset' && !isErrorFrame(f)) this.state.reset();
        return owner.answered(expect, f);
    }
  }

  /** One setup command answered; the last one releases the commands held meanwhile. */
  private setUp(f: Buffer): void {
    const command = this.setupQueue[0];
    if (isErrorFrame(f)) {
      const word = f.toString('latin1', 1, 8);
      if (word.startsWith('BUSY') || word.startsWith('LOADING')) {
        // Redis runs a long script or loads its data: try again, the held commands keep waiting
        this.pending.push(null, 'setup');
        this.setupQueue.push(this.setupQueue.shift() as Buffer);
        setTimeout(() => {
          if (!this.dead) this.out.write(command);
        }, SETUP_RETRY_MS);
        return;
      }
      // a link without credentials to a Redis that requires them can only authenticate: its client
      // gets Redis' NOAUTH for everything else, and moves to a link with credentials after AUTH
      if (!(this.setup.credentials === null && word.startsWith('NOAUTH'))) return this.refused(f);
      this.unselected = true;
    }
    this.setupQueue.shift();
    if (this.setupQueue.length > 0) return;
    const held = this.held;
    this.held = [];
    for (const h of held) this.send(h.owner, h.expect, h.bytes);
    if (this.idle !== null && this.pending.size === 0) {
      const idle = this.idle;
      this.idle = null;
      idle();
    }
  }

  /** Could a frame of this type answer no command (see unsolicited)? */
  private mayBeUnsolicited(type: number): boolean {
    return this.dedicated !== null && (type === T_PUSH || type === T_ARRAY || type === T_SIMPLE);
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
    for (const h of this.held)
      if (h.owner !== null && h.expect !== null && h.expect !== 'drop')
        counts.set(h.owner, (counts.get(h.owner) ?? 0) + 1);
    this.held = [];
    this.onEnd?.(this);
    if (this.dedicated !== null) {
      this.dedicated.lost(this, counts.get(this.dedicated) ?? 0, loss);
      return;
    }
    for (const [owner, n] of counts) owner.lost(this, n, loss);
  }
}
