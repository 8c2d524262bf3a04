// Turns a client's byte stream into commands. The scanner finds frame boundaries and validates each
// frame, so a RESP command is forwarded to Redis as the exact bytes the client sent; only its name is
// read on the hot path, and its arguments are split out of those bytes when a rule needs them
// (by hand: redis-parser would decode every argument of every relayed command, which the proxy never needs).
// A command that spans reads (a large value) is kept as the pieces it arrived in and forwarded so, never
// joined: while it passes through, it costs the server its own size once.
import { encodeCommand } from './encode.js';
import { splitInline } from './inline.js';
import { DEFAULT_LIMITS, type FrameSink, RespScanner, type ScanLimits } from './scan.js';

/** Redis' limits for a client that has not authenticated yet, so it cannot make the server buffer much. */
export const UNAUTHENTICATED_LIMITS: ScanLimits = { maxAggregate: 10, maxBulk: 16384, label: 'unauthenticated' };

const STAR = 0x2a;
const CR = 13;

/** Reads the decimal number at buf[i] up to its CR; returns it and leaves the CR's index in `pos.at`. */
function readNumber(buf: Buffer, i: number, pos: { at: number }): number {
  let n = 0;
  let neg = false;
  if (buf[i] === 0x2d) {
    neg = true;
    i++;
  }
  while (buf[i] !== CR) n = n * 10 + (buf[i++] - 48);
  pos.at = i;
  return neg ? -n : n;
}

const cursor = { at: 0 };

/** One command from a client. */
export class Request {
  private parsed: Buffer[] | null;

  constructor(
    /** Lower-cased command name. */
    readonly name: string,
    /**
     * The command's bytes as the client sent them (a validated array of bulk strings), in one buffer or
     * in the pieces it arrived in; null for an inline command.
     */
    readonly raw: Buffer | readonly Buffer[] | null,
    args: Buffer[] | null = null,
  ) {
    this.parsed = args;
  }

  /** The bytes to forward: as received, or encoded for an inline command. */
  bytes(): Buffer | readonly Buffer[] {
    return this.raw ?? encodeCommand([this.name, ...this.args]);
  }

  /** How many bytes the command holds. */
  get size(): number {
    const raw = this.raw;
    if (raw === null) return 0;
    if (Buffer.isBuffer(raw)) return raw.length;
    let n = 0;
    for (const piece of raw) n += piece.length;
    return n;
  }

  /** A command built by the server (tests, RESET's replay); `raw` is null so links encode it. */
  static of(name: string, ...args: Array<string | Buffer>): Request {
    return new Request(
      name.toLowerCase(),
      null,
      args.map((a) => (typeof a === 'string' ? Buffer.from(a) : a)),
    );
  }

  /** Arguments after the name. */
  get args(): Buffer[] {
    if (this.parsed === null) {
      // rules that read arguments concern small commands; one in pieces is joined for them only
      const raw = this.raw as Buffer | readonly Buffer[];
      this.parsed = splitFrame(Buffer.isBuffer(raw) ? raw : Buffer.concat(raw));
    }
    return this.parsed;
  }

  /** The first argument lower-cased (a subcommand or option), or '' when there is none. */
  arg0(): string {
    const a = this.args[0];
    return a === undefined ? '' : a.toString('latin1').toLowerCase();
  }
}

/** The arguments of a validated `*N` frame of bulk strings, after the first (the name). */
function splitFrame(frame: Buffer): Buffer[] {
  const count = readNumber(frame, 1, cursor);
  let i = cursor.at + 2;
  const args: Buffer[] = [];
  for (let k = 0; k < count; k++) {
    const len = readNumber(frame, i + 1, cursor);
    const start = cursor.at + 2;
    if (k > 0) args.push(frame.subarray(start, start + len));
    i = start + len + 2;
  }
  return args;
}

/**
 * The lower-cased first element of a validated non-empty `*N` frame, read from its first bytes `head`;
 * null when they do not hold all of it.
 */
function frameName(head: Buffer): string | null {
  const first = head.indexOf(CR);
  if (first < 0 || head.indexOf(CR, first + 2) < 0) return null;
  const i = first + 2;
  const len = readNumber(head, i + 1, cursor);
  const start = cursor.at + 2;
  if (start + len > head.length) return null;
  return lowerName(head.toString('latin1', start, start + len));
}

/**
 * Command names as sent → lower-cased, for the names clients send over and over: the same string
 * object each time, whose hash the routing tables' lookups then compute only once.
 */
const NAMES = new Map<string, string>();
const MAX_NAMES = 512;

function lowerName(sent: string): string {
  const known = NAMES.get(sent);
  if (known !== undefined) return known;
  const lower = sent.toLowerCase();
  if (NAMES.size < MAX_NAMES && sent.length <= 32) NAMES.set(sent, lower);
  return lower;
}

/** Pieces smaller than this at the start of a command in pieces are joined, so its name can be read. */
const HEAD_BYTES = 1024;

export class RequestReader implements FrameSink {
  private readonly scanner = new RespScanner(true);
  /** What the frame continuing from an earlier chunk is, if any. */
  private partial: 'array' | 'inline' | null = null;
  /** Earlier chunks' parts of a RESP command in progress. */
  private held: Buffer[] = [];
  private chunk: Buffer = Buffer.alloc(0);
  private start = 0;

  constructor(private readonly deliver: (request: Request) => void) {}

  set authenticated(yes: boolean) {
    this.scanner.limits = yes ? DEFAULT_LIMITS : UNAUTHENTICATED_LIMITS;
  }

  /** Delivers every command completed by `chunk`; throws ProtocolError after delivering those before it. */
  push(chunk: Buffer): void {
    this.chunk = chunk;
    this.start = 0;
    this.scanner.scan(chunk, this);
    if (this.start < chunk.length) {
      this.partial ??= chunk[this.start] === STAR ? 'array' : 'inline';
      if (this.partial === 'array') {
        this.held.push(chunk.subarray(this.start));
        this.buffered += chunk.length - this.start;
      }
    }
  }

  /** Bytes of a command still arriving, held until it is complete. */
  buffered = 0;

  /** Bytes received after the last complete command (a tunnel takes them over). */
  rest(): readonly Buffer[] {
    return this.held;
  }

  frame(_type: number, end: number): void {
    const last = this.chunk.subarray(this.start, end);
    this.start = end;
    if (this.partial === null) return this.command(last, last);
    const pieces = this.held;
    pieces.push(last);
    this.held = [];
    this.buffered = 0;
    this.partial = null;
    while (pieces.length > 1 && pieces[0].length < HEAD_BYTES) pieces.splice(0, 2, Buffer.concat(pieces.slice(0, 2)));
    this.command(pieces.length === 1 ? pieces[0] : pieces, pieces[0]);
  }

  /** A complete command, `head` its first bytes. */
  private command(raw: Buffer | Buffer[], head: Buffer): void {
    // `*0` and negative counts are skipped, as Redis does
    if (head[1] === 0x2d || head[1] === 0x30) return;
    let name = frameName(head);
    if (name === null) {
      // a name longer than the first piece: join the command (rare, and bounded by the query buffer limit)
      const joined = Buffer.concat(raw as Buffer[]);
      raw = joined;
      name = frameName(joined) as string;
    }
    this.deliver(new Request(name, raw));
  }

  inline(line: Buffer, end: number): void {
    this.start = end;
    this.partial = null;
    const args = splitInline(line);
    if (args.length === 0) return;
    const name = args[0].toString('latin1').toLowerCase();
    args.shift();
    this.deliver(new Request(name, null, args));
  }
}
