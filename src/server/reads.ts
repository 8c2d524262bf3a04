// Reads a socket into a buffer of its own, reused from read to read, instead of Node's stream path,
// which allocates 64 KB, an ArrayBuffer and a Buffer per read and pushes each through Readable's
// machinery: about 6,500 of the 22,000 instructions a bare Node relay spends per proxied command
// (callgrind, bench/proxy-instructions.sh). Node offers this as `onread`, but only to sockets it
// connects; an accepted socket is switched over through the same fields `onread` sets (the socket's
// read symbols and its handle's useUserBuffer), and keeps the 'data' path where this Node lacks them,
// and for TLS (whose reads are decrypted elsewhere).
//
// The rule that makes reuse safe: whoever keeps bytes of a read past the handling of that read (a
// command in pieces, a command waiting its turn, a reply held for a hook, anything handed to code that
// may run later) either copies them or calls `keep()`, and the next read then goes into a new buffer.
// Writers copy what they are given to relay (writer.ts `slice`), so relaying keeps nothing.
import { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';

/** Redis reads a client's input 16 KB at a time (PROTO_IOBUF_LEN); a larger read is several. */
const CLIENT_READ_BYTES = 16 * 1024;
/**
 * A read that filled its buffer and was kept is most likely a large value arriving: the rest comes in
 * reads this large (Node's own size).
 */
const LARGE_READ_BYTES = 64 * 1024;

interface UserBufferHandle {
  useUserBuffer(buf: Buffer): void;
}

export class SocketReads {
  /** Allocated once these reads are used (a TLS socket reads its 'data' events instead). */
  private buf: Buffer | null = null;
  private kept = false;
  /** The last read filled its buffer. */
  private full = false;

  constructor(
    private readonly deliver: (chunk: Buffer) => void,
    private readonly size = CLIENT_READ_BYTES,
  ) {}

  /** What was just read is kept beyond its handling: the next read goes into a new buffer. */
  keep(): void {
    this.kept = true;
  }

  /** The `onread` option of net.connect for these reads. */
  get onread(): { buffer: () => Buffer; callback: (n: number, buf: Buffer) => boolean } {
    return { buffer: this.next, callback: this.read };
  }

  private readonly next = (): Buffer => {
    if (this.kept || this.buf === null) {
      this.kept = false;
      this.buf = Buffer.allocUnsafeSlow(this.full ? Math.max(this.size, LARGE_READ_BYTES) : this.size);
    }
    return this.buf;
  };

  private readonly read = (n: number, buf: Buffer): boolean => {
    this.full = n === buf.length;
    this.deliver(buf.subarray(0, n));
    return true;
  };

  /**
   * Reads accepted `socket` into reused buffers; false when it cannot be (TLS, or a Node without the
   * fields this relies on), and the caller reads its 'data' events instead.
   */
  adopt(socket: Socket): boolean {
    // bytes Node read already (a client that waited for the server to start) are its stream's to give
    if ((socket as { encrypted?: boolean }).encrypted || socket.readableLength > 0) return false;
    const handle = (socket as unknown as { _handle?: Partial<UserBufferHandle> | null })._handle;
    if (typeof handle?.useUserBuffer !== 'function') return false;
    const fields = new Map<string | undefined, symbol>();
    for (const s of Object.getOwnPropertySymbols(socket)) fields.set(s.description, s);
    const buffer = fields.get('kBuffer');
    const callback = fields.get('kBufferCb');
    const generator = fields.get('kBufferGen');
    if (buffer === undefined || callback === undefined || generator === undefined) return false;
    const slots = socket as unknown as Record<symbol, unknown>;
    const first = this.next();
    slots[buffer] = first;
    slots[callback] = this.read;
    slots[generator] = this.next;
    handle.useUserBuffer(first);
    // flowing, so that the end of input still ends the socket ('end', then 'close') with no 'data' listener
    socket.resume();
    return true;
  }
}
