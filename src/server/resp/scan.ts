// A resumable RESP2/RESP3 frame-boundary scanner. It does not decode values: it only finds where each
// top-level frame ends, so the proxy can relay Redis' reply bytes verbatim (and in runs, without
// re-encoding), and so request bytes can be forwarded as the client sent them. Parsers such as
// redis-parser or @redis/client's decoder return decoded values, never the byte span of a frame, and
// redis-parser knows only RESP2 types; hence this small hand-written scanner.
//
// State survives chunk boundaries: open aggregates are a stack of remaining element counts, a bulk
// payload is skipped by length, and only an incomplete header line is ever copied.

// imported, not the global: Node defines globalThis.Buffer as a getter, which optimized code calls on every use
import { Buffer } from 'node:buffer';

export class ProtocolError extends Error {
  constructor(detail: string) {
    super(`Protocol error: ${detail}`);
    this.name = 'ProtocolError';
  }
}

export interface FrameSink {
  /** A complete top-level frame whose first byte is `type` ends at `end` in the current chunk. */
  frame(type: number, end: number): void;
  /** Request mode only: a complete inline command line (without its line ending) ends at `end`. */
  inline?(line: Buffer, end: number): void;
}

const CR = 13;
const LF = 10;
/** Redis' PROTO_INLINE_MAX_SIZE: longest header or inline line it accepts. */
const MAX_LINE = 64 * 1024;
/** Redis' default proto-max-bulk-len. */
const MAX_BULK = 512 * 1024 * 1024;
const MAX_AGGREGATE = 2 ** 31 - 1;

const STAR = 0x2a; // *

/**
 * The index of the next LF in chunk[from, n), or -1. Header lines are a few bytes, which a loop reads
 * for less than a call into C++ costs (Buffer's indexOf); longer lines (inline commands, simple
 * strings) are left to indexOf past the first bytes.
 */
function findLF(chunk: Buffer, from: number, n: number): number {
  const stop = from + 16 < n ? from + 16 : n;
  for (let j = from; j < stop; j++) if (chunk[j] === LF) return j;
  return stop === n ? -1 : chunk.indexOf(LF, stop);
}

export interface ScanLimits {
  maxAggregate: number;
  maxBulk: number;
  /** Word put before "multibulk length" / "bulk length" in the error, e.g. Redis' "unauthenticated". */
  label: string;
}

export const DEFAULT_LIMITS: ScanLimits = { maxAggregate: MAX_AGGREGATE, maxBulk: MAX_BULK, label: 'invalid' };

export class RespScanner {
  /** Remaining element counts of open aggregates, innermost last. */
  private readonly stack: number[] = [];
  /** Bytes of a bulk payload and its CRLF still to pass. */
  private skip = 0;
  /** An incomplete line carried over from the previous chunk. */
  private carry: Buffer | null = null;
  /** First byte of the top-level frame in progress, 0 between frames. */
  private top = 0;
  limits: ScanLimits = DEFAULT_LIMITS;

  /**
   * @param requests Request mode: top-level frames must be arrays of bulk strings, and a line that does
   * not start with `*` is an inline command (as redis-server accepts from telnet).
   */
  constructor(private readonly requests = false) {}

  /** True while a frame (or inline line) has started but not ended. */
  get inFrame(): boolean {
    return this.top !== 0 || this.skip > 0 || this.carry !== null;
  }

  /** Scans one chunk from `from`, reporting every frame that ends in it. Throws ProtocolError on malformed input. */
  scan(chunk: Buffer, sink: FrameSink, from = 0): void {
    const n = chunk.length;
    let i = from;
    while (i < n) {
      if (this.skip > 0) {
        const take = Math.min(this.skip, n - i);
        i += take;
        this.skip -= take;
        if (this.skip === 0) this.complete(sink, i);
        continue;
      }
      const nl = findLF(chunk, i, n);
      if (nl < 0) {
        const rest = chunk.subarray(i);
        this.carry = this.carry ? Buffer.concat([this.carry, rest]) : Buffer.from(rest);
        if (this.carry.length > MAX_LINE) throw new ProtocolError(this.lineTooLong());
        return;
      }
      let buf = chunk;
      let start = i;
      if (this.carry) {
        buf = Buffer.concat([this.carry, chunk.subarray(i, nl + 1)]);
        start = 0;
        this.carry = null;
      }
      const lf = buf === chunk ? nl : buf.length - 1;
      i = nl + 1;
      if (lf - start > MAX_LINE) throw new ProtocolError(this.lineTooLong());
      this.line(buf, start, lf, sink, i);
    }
  }

  private lineTooLong(): string {
    if (this.top === 0 && this.requests && this.carry?.[0] !== STAR) return 'too big inline request';
    return this.stack.length ? 'too big bulk count string' : 'too big mbulk count string';
  }

  /** Handles the line buf[start, lf) (lf is the LF's index); `end` is where it ends in the current chunk. */
  private line(buf: Buffer, start: number, lf: number, sink: FrameSink, end: number): void {
    const type = buf[start];
    if (this.top === 0) {
      if (this.requests && type !== STAR) {
        const stop = lf > start && buf[lf - 1] === CR ? lf - 1 : lf;
        sink.inline?.(buf.subarray(start, stop), end);
        return;
      }
      this.top = type;
    } else if (this.requests && type !== 0x24) {
      throw new ProtocolError(`expected '$', got '${String.fromCharCode(type)}'`);
    }
    if (buf[lf - 1] !== CR) throw new ProtocolError('a line not ended by CRLF');
    switch (type) {
      case 0x2a: // * array
      case 0x3e: // > push
      case 0x7e: // ~ set
        return this.open(this.count(buf, start + 1, lf - 1, false), sink, end);
      case 0x25: // % map: a key and a value per entry
        return this.open(this.count(buf, start + 1, lf - 1, false) * 2, sink, end);
      case 0x7c: // | attribute: its entries, then the value it annotates, count as one element
        return this.open(this.count(buf, start + 1, lf - 1, false) * 2 + 1, sink, end);
      case 0x24: // $ bulk string
      case 0x3d: // = verbatim string
      case 0x21: {
        // ! bulk error
        const len = this.count(buf, start + 1, lf - 1, true);
        if (len < 0) return this.complete(sink, end);
        this.skip = len + 2;
        return;
      }
      case 0x2b: // + simple string
      case 0x2d: // - error
      case 0x3a: // : integer
      case 0x2c: // , double
      case 0x23: // # boolean
      case 0x5f: // _ null
      case 0x28: // ( big number
        return this.complete(sink, end);
      default:
        throw new ProtocolError(`unexpected type byte ${JSON.stringify(String.fromCharCode(type))}`);
    }
  }

  private open(count: number, sink: FrameSink, end: number): void {
    if (count > 0) this.stack.push(count);
    else this.complete(sink, end);
  }

  /** An element ended: close every aggregate it completes, and report the frame if it was top-level. */
  private complete(sink: FrameSink, end: number): void {
    const stack = this.stack;
    while (stack.length > 0) {
      if (--stack[stack.length - 1] > 0) return;
      stack.pop();
    }
    const type = this.top;
    this.top = 0;
    sink.frame(type, end);
  }

  /** Parses the decimal length in buf[from, to); -1 (nil) allowed. */
  private count(buf: Buffer, from: number, to: number, bulk: boolean): number {
    let neg = false;
    let i = from;
    if (buf[i] === 0x2d) {
      neg = true;
      i++;
    }
    let v = 0;
    if (i >= to || to - i > 12) v = NaN;
    for (; i < to; i++) {
      const d = buf[i] - 48;
      if (d < 0 || d > 9) {
        if (buf[i] === 0x3f) throw new ProtocolError('streamed RESP3 types are not supported (Redis never sends them)');
        v = NaN;
        break;
      }
      v = v * 10 + d;
    }
    const max = bulk ? this.limits.maxBulk : this.limits.maxAggregate;
    // nil (-1) is a valid length in replies; in requests a negative array count is an empty command
    // that Redis skips, and a negative bulk length is an error
    if (neg && !Number.isNaN(v) && (this.requests ? !bulk : v === 1)) return -1;
    if (Number.isNaN(v) || neg || v > max) {
      throw new ProtocolError(`${this.limits.label} ${bulk ? 'bulk' : 'multibulk'} length`);
    }
    return v;
  }
}
