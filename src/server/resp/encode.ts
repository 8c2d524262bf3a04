// Serializes a Reply the way Redis would for a client speaking RESP2 or RESP3 (see reply.ts for the
// mapping). Strings are gathered and converted to bytes once, so small replies cost one allocation.
import { DoubleReply, ErrorReply, MapReply, type Reply, SetReply, SimpleString } from './reply.js';

export type Protocol = 2 | 3;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

class Out {
  private readonly parts: Buffer[] = [];
  private text = '';

  str(s: string): void {
    this.text += s;
  }

  bytes(b: Buffer): void {
    if (this.text) this.parts.push(Buffer.from(this.text));
    this.text = '';
    this.parts.push(b);
  }

  done(): Buffer {
    if (this.parts.length === 0) return Buffer.from(this.text);
    if (this.text) this.parts.push(Buffer.from(this.text));
    return Buffer.concat(this.parts);
  }
}

// A status or error line must not contain CR or LF, or it would end the frame early; Redis replaces them too.
const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ');

/** Redis' text for a double: `inf`, `-inf`, `nan`, otherwise the shortest decimal that round-trips. */
function doubleText(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  return String(n);
}

function bulk(out: Out, s: string): void {
  out.str(`$${Buffer.byteLength(s)}\r\n${s}\r\n`);
}

function integer(out: Out, n: bigint, protocol: Protocol): void {
  if (n >= INT64_MIN && n <= INT64_MAX) out.str(`:${n}\r\n`);
  else if (protocol === 3) out.str(`(${n}\r\n`);
  else bulk(out, n.toString());
}

function write(out: Out, r: Reply, protocol: Protocol): void {
  if (r === null || r === undefined) {
    out.str(protocol === 3 ? '_\r\n' : '$-1\r\n');
  } else if (typeof r === 'string') {
    bulk(out, r);
  } else if (typeof r === 'number') {
    if (Number.isSafeInteger(r)) out.str(`:${r === 0 ? 0 : r}\r\n`);
    else if (Number.isInteger(r)) integer(out, BigInt(r), protocol);
    else bulk(out, doubleText(r));
  } else if (typeof r === 'bigint') {
    integer(out, r, protocol);
  } else if (Buffer.isBuffer(r)) {
    out.str(`$${r.length}\r\n`);
    out.bytes(r);
    out.str('\r\n');
  } else if (Array.isArray(r)) {
    out.str(`*${r.length}\r\n`);
    for (const item of r) write(out, item, protocol);
  } else if (r instanceof SimpleString) {
    out.str(`+${oneLine(r.value)}\r\n`);
  } else if (r instanceof ErrorReply) {
    out.str(`-${oneLine(r.message)}\r\n`);
  } else if (r instanceof MapReply) {
    out.str(protocol === 3 ? `%${r.entries.length}\r\n` : `*${r.entries.length * 2}\r\n`);
    for (const [k, v] of r.entries) {
      write(out, k, protocol);
      write(out, v, protocol);
    }
  } else if (r instanceof SetReply) {
    out.str(`${protocol === 3 ? '~' : '*'}${r.items.length}\r\n`);
    for (const item of r.items) write(out, item, protocol);
  } else if (r instanceof DoubleReply) {
    if (protocol === 3) out.str(`,${doubleText(r.value)}\r\n`);
    else bulk(out, doubleText(r.value));
  } else {
    throw new TypeError(
      `cannot encode ${Object.prototype.toString.call(r)} as a RESP reply: return null, a string, Buffer, number, bigint, array or a reply class from resp/reply.ts`,
    );
  }
}

export function encodeReply(reply: Reply, protocol: Protocol): Buffer {
  const out = new Out();
  write(out, reply, protocol);
  return out.done();
}

/** A command as Redis expects it: an array of bulk strings. */
export function encodeCommand(parts: ReadonlyArray<string | Buffer>): Buffer {
  return encodeReply(parts, 2);
}
