// Turns a client's byte stream into commands. The scanner finds frame boundaries and validates each
// frame, so a RESP command is forwarded to Redis as the exact bytes the client sent; only its name is
// read on the hot path, and its arguments are split out of those bytes when a rule needs them
// (by hand: redis-parser would decode every argument of every relayed command, which the proxy never needs).
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
    /** The command's bytes as the client sent them (a validated array of bulk strings); null for an inline command. */
    readonly raw: Buffer | null,
    args: Buffer[] | null = null,
  ) {
    this.parsed = args;
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
    if (this.parsed === null) this.parsed = splitFrame(this.raw as Buffer);
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

/** The lower-cased first element of a validated non-empty `*N` frame. */
function frameName(frame: Buffer): string {
  readNumber(frame, 1, cursor);
  const i = cursor.at + 2;
  const len = readNumber(frame, i + 1, cursor);
  const start = cursor.at + 2;
  return frame.toString('latin1', start, start + len).toLowerCase();
}

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
  rest(): Buffer {
    return Buffer.concat(this.held);
  }

  frame(_type: number, end: number): void {
    let raw = this.chunk.subarray(this.start, end);
    if (this.partial !== null) {
      this.held.push(raw);
      raw = Buffer.concat(this.held);
      this.held = [];
      this.buffered = 0;
      this.partial = null;
    }
    this.start = end;
    // `*0` and negative counts are skipped, as Redis does
    if (raw[1] === 0x2d || raw[1] === 0x30) return;
    this.deliver(new Request(frameName(raw), raw));
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
