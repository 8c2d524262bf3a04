// Turns a client's byte stream into commands. The scanner finds frame boundaries (so a RESP command
// can be forwarded to Redis as the exact bytes the client sent, and inline lines are told apart);
// redis-parser decodes the arrays of bulk strings, with returnBuffers so binary arguments survive.
import RedisParser from 'redis-parser';
import { splitInline } from './inline.js';
import { DEFAULT_LIMITS, type FrameSink, RespScanner, type ScanLimits } from './scan.js';

export interface Request {
  /** Lower-cased command name. */
  readonly name: string;
  /** Arguments after the name. */
  readonly args: Buffer[];
  /** The command's bytes as the client sent them; null for an inline command. */
  readonly raw: Buffer | null;
}

/** Redis' limits for a client that has not authenticated yet, so it cannot make the server buffer much. */
export const UNAUTHENTICATED_LIMITS: ScanLimits = { maxAggregate: 10, maxBulk: 16384, label: 'unauthenticated' };

const STAR = 0x2a;

export class RequestReader implements FrameSink {
  private readonly scanner = new RespScanner(true);
  private readonly parser: RedisParser;
  private parsed: unknown = undefined;
  /** What the frame continuing from an earlier chunk is, if any. */
  private partial: 'array' | 'inline' | null = null;
  /** Earlier chunks' parts of a RESP command in progress. */
  private held: Buffer[] = [];
  private chunk: Buffer = Buffer.alloc(0);
  private start = 0;

  constructor(private readonly deliver: (request: Request) => void) {
    this.parser = new RedisParser({
      returnBuffers: true,
      returnReply: (reply) => {
        this.parsed = reply;
      },
      // unreachable: the scanner has validated every frame before the parser sees it
      returnError: (err) => {
        throw err;
      },
    });
  }

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
      // held only: the parser sees a frame once the scanner has validated all of it, so bytes the
      // scanner has not checked yet (a bad type byte after `*1\r\n`) can never reach it
      if (this.partial === 'array') this.held.push(chunk.subarray(this.start));
    }
  }

  frame(_type: number, end: number): void {
    const slice = this.chunk.subarray(this.start, end);
    let raw = slice;
    if (this.partial !== null) {
      raw = Buffer.concat([...this.held, slice]);
      this.held = [];
      this.partial = null;
    }
    this.start = end;
    this.parser.execute(raw);
    const value = this.parsed as Buffer[] | null;
    this.parsed = undefined;
    // `*0` and `*-1` are skipped, as Redis does
    if (value && value.length > 0) this.emit(value, raw);
  }

  inline(line: Buffer, end: number): void {
    this.start = end;
    this.partial = null;
    const args = splitInline(line);
    if (args.length > 0) this.emit(args, null);
  }

  private emit(args: Buffer[], raw: Buffer | null): void {
    const name = args[0].toString('latin1').toLowerCase();
    args.shift();
    this.deliver({ name, args, raw });
  }
}
