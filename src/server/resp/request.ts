// Turns a client's byte stream into commands. The scanner finds frame boundaries and validates each
// frame, so a RESP command is forwarded to Redis as the exact bytes the client sent; only its name is
// read on the hot path, and its arguments are split out of those bytes when a rule needs them
// (by hand: redis-parser would decode every argument of every relayed command, which the proxy never needs).
// A command that spans reads (a large value) is kept as the pieces it arrived in and forwarded so, never
// joined: while it passes through, it costs the server its own size once.
// imported, not the global: Node defines globalThis.Buffer as a getter, which optimized code calls on every use
import { Buffer } from 'node:buffer';
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

const DOLLAR = 0x24;
const LF = 10;
/** More digits than this is not a plain length (the scanner's own limit is 12 characters). */
const MAX_DIGITS = 10;

/**
 * The plain decimal length at buf[i, n) (digits only, ended by CRLF, at most `max`), leaving the
 * index past its LF in `cursor.at`; -1 when it is anything else (incomplete, signed, too long).
 */
function plainLength(buf: Buffer, i: number, n: number, max: number): number {
  const first = i;
  let v = 0;
  for (; i < n; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
  }
  if (i === first || i - first > MAX_DIGITS || v > max || i + 1 >= n || buf[i] !== CR || buf[i + 1] !== LF) return -1;
  cursor.at = i + 2;
  return v;
}

/** One command from a client. */
export class Request {
  private parsed: Buffer[] | null;
  private whole: Buffer | readonly Buffer[] | null;

  constructor(
    /** Lower-cased command name. */
    readonly name: string,
    /**
     * The command's bytes as the client sent them (a validated array of bulk strings), in one buffer or
     * in the pieces it arrived in; null for an inline command, or one given by `chunk`.
     */
    raw: Buffer | readonly Buffer[] | null,
    args: Buffer[] | null = null,
    /**
     * A command received within one read: that read's chunk, and where the command lies in it
     * ([start, end)), so it can be forwarded without a Buffer of its own; null otherwise.
     */
    readonly chunk: Buffer | null = null,
    readonly start = 0,
    readonly end = 0,
  ) {
    this.whole = raw;
    this.parsed = args;
  }

  /** A command that lies at [start, end) of a received chunk. */
  static inChunk(name: string, chunk: Buffer, start: number, end: number): Request {
    return new Request(name, null, null, chunk, start, end);
  }

  /** The command's bytes as the client sent them; null for an inline command. */
  get raw(): Buffer | readonly Buffer[] | null {
    const chunk = this.chunk;
    if (this.whole === null && chunk !== null) this.whole = chunk.subarray(this.start, this.end);
    return this.whole;
  }

  /** The bytes to forward: as received, or encoded for an inline command. */
  bytes(): Buffer | readonly Buffer[] {
    return this.raw ?? encodeCommand([this.name, ...this.args]);
  }

  /** How many bytes the command holds. */
  get size(): number {
    if (this.chunk !== null) return this.end - this.start;
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
 * The lower-cased first element of a validated non-empty `*N` frame at buf[from, to); null when those
 * bytes do not hold all of it. Read byte by byte: Buffer's indexOf and toString are calls into C++
 * that cost more than the few bytes they would read here.
 */
function frameName(buf: Buffer, from: number, to: number): string | null {
  let i = from + 1;
  while (i < to && buf[i] !== CR) i++;
  let j = i + 3; // past CR LF and the element's '$'
  let len = 0;
  while (j < to && buf[j] !== CR) len = len * 10 + (buf[j++] - 48);
  const start = j + 2;
  if (j >= to || start + len > to) return null;
  return commandName(buf, start, len);
}

/**
 * Names clients send over and over, lower-cased: a small table indexed by a hash of the name's bytes,
 * so a known name costs neither a string of its own nor a hash table lookup, and is the same string
 * object each time (whose hash the routing tables then compute once). A name that collides with
 * another simply takes its slot.
 */
interface KnownName {
  readonly lower: Buffer;
  readonly name: string;
}
const KNOWN_SLOTS = 512;
const KNOWN_MAX_LENGTH = 32;
const known: Array<KnownName | null> = new Array<KnownName | null>(KNOWN_SLOTS).fill(null);

/** ASCII lower case of one byte (what toLowerCase does to an ASCII name). */
function lowerByte(c: number): number {
  return c >= 65 && c <= 90 ? c | 32 : c;
}

function commandName(buf: Buffer, start: number, len: number): string {
  if (len > KNOWN_MAX_LENGTH) return buf.toString('latin1', start, start + len).toLowerCase();
  let h = len;
  let bits = 0;
  for (let k = start; k < start + len; k++) {
    const c = buf[k];
    bits |= c;
    h = (h * 31 + lowerByte(c)) | 0;
  }
  const slot = h & (KNOWN_SLOTS - 1);
  const hit = known[slot];
  if (hit !== null && hit.name.length === len) {
    const lower = hit.lower;
    let k = 0;
    while (k < len && lowerByte(buf[start + k]) === lower[k]) k++;
    if (k === len) return hit.name;
  }
  const name = buf.toString('latin1', start, start + len).toLowerCase();
  // only ASCII names: toLowerCase also folds Latin-1 letters, which lowerByte does not
  if (bits < 0x80) known[slot] = { lower: Buffer.from(name, 'latin1'), name };
  return name;
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
    if (this.partial === null && !this.scanner.inFrame) this.wholeCommands(chunk);
    if (this.start < chunk.length) this.scanner.scan(chunk, this, this.start);
    if (this.start < chunk.length) {
      this.partial ??= chunk[this.start] === STAR ? 'array' : 'inline';
      if (this.partial === 'array') {
        this.held.push(chunk.subarray(this.start));
        this.buffered += chunk.length - this.start;
      }
    }
  }

  /**
   * The fast path: delivers the commands at the start of `chunk` that are whole and plainly well
   * formed (`*N`, then N `$len` elements, lengths within the limits), reading each one's bytes once.
   * It stops at the first that is not, which the scanner then reads from `this.start` and judges as
   * Redis would (the errors are the scanner's alone). The scanner reads every line of a command
   * separately and was about a tenth of the server's instructions per proxied command (callgrind).
   */
  private wholeCommands(chunk: Buffer): void {
    const n = chunk.length;
    const { maxAggregate, maxBulk } = this.scanner.limits;
    let p = 0;
    while (p < n && chunk[p] === STAR) {
      const count = plainLength(chunk, p + 1, n, maxAggregate);
      if (count < 1) return;
      let i = cursor.at;
      let nameAt = 0;
      let nameLength = 0;
      for (let k = 0; k < count; k++) {
        if (i >= n || chunk[i] !== DOLLAR) return;
        const length = plainLength(chunk, i + 1, n, maxBulk);
        if (length < 0) return;
        if (k === 0) {
          nameAt = cursor.at;
          nameLength = length;
        }
        i = cursor.at + length + 2;
        if (i > n) return;
      }
      this.start = i;
      this.deliver(Request.inChunk(commandName(chunk, nameAt, nameLength), chunk, p, i));
      p = i;
    }
  }

  /** Bytes of a command still arriving, held until it is complete. */
  buffered = 0;

  /** Parts of a command still arriving are held, as they lie in the chunks they came in. */
  get holding(): boolean {
    return this.held.length > 0;
  }

  /** Bytes received after the last complete command (a tunnel takes them over). */
  rest(): readonly Buffer[] {
    return this.held;
  }

  frame(_type: number, end: number): void {
    const chunk = this.chunk;
    const start = this.start;
    this.start = end;
    if (this.partial === null) {
      // `*0` and negative counts are skipped, as Redis does
      const c = chunk[start + 1];
      if (c === 0x2d || c === 0x30) return;
      const name = frameName(chunk, start, end) as string;
      return this.deliver(Request.inChunk(name, chunk, start, end));
    }
    const pieces = this.held;
    pieces.push(chunk.subarray(start, end));
    this.held = [];
    this.buffered = 0;
    this.partial = null;
    while (pieces.length > 1 && pieces[0].length < HEAD_BYTES) pieces.splice(0, 2, Buffer.concat(pieces.slice(0, 2)));
    this.pieces(pieces.length === 1 ? pieces[0] : pieces, pieces[0]);
  }

  /** A complete command that spanned reads, `head` its first bytes. */
  private pieces(raw: Buffer | Buffer[], head: Buffer): void {
    if (head[1] === 0x2d || head[1] === 0x30) return;
    let name = frameName(head, 0, head.length);
    if (name === null) {
      // a name longer than the first piece: join the command (rare, and bounded by the query buffer limit)
      const joined = Buffer.concat(raw as Buffer[]);
      raw = joined;
      name = frameName(joined, 0, joined.length) as string;
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
