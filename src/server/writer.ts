// Batches writes to a socket until the event loop has handled every pending read (setImmediate:
// measured ~15-40% faster than flushing per tick under redis-benchmark, as replies for several
// reads coalesce): many pipelined replies (or forwarded commands) leave in one write call.
//
// What is relayed (`slice`) is copied into one arena shared by every writer, because the bytes lie in
// a buffer their socket reads into again (reads.ts): a relayed frame costs a copy of its few bytes and
// no Buffer of its own, and a writer holds no memory between flushes. Runs of the arena one writer
// fills one after the other are written as one. Buffers given to `write` are the caller's to keep
// unchanged (built here, or bytes of a read marked kept) and are not copied: small parts are joined
// for the write, large ones (a big value in pieces) go to the socket as they are, in one writev, so a
// value passing through is never copied. Once every writer has flushed, the arena is used again from
// its start, unless a write could not go out at once (the socket keeps what it was given until it
// has): then the next flushes use a new arena.
// imported, not the global: Node defines globalThis.Buffer as a getter, which optimized code calls on every use
import { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';

export interface Pausable {
  pause(): void;
  resume(): void;
}

/** Up to this many bytes of parts are joined into one buffer for a write; more go out as they are. */
const JOIN_MAX = 64 * 1024;
const ARENA_BYTES = 64 * 1024;
/**
 * Frames up to this size are copied byte by byte, larger ones with Buffer's copy (callgrind, per proxied
 * SET: a 5-byte reply costs less by the loop, a 45-byte command about 1,400 instructions less by copy).
 */
const LOOP_COPY_MAX = 16;

let arena = Buffer.allocUnsafeSlow(ARENA_BYTES);
let used = 0;
/** A write kept arena bytes to send later: the arena cannot be written over. */
let arenaHeld = false;

/** Copies chunk[start, end) to the end of the arena (a new one when it is full); returns where it went. */
function toArena(chunk: Buffer, start: number, end: number): number {
  const n = end - start;
  if (used + n > arena.length) {
    // earlier runs stay in the old arena, which their writers still reference until they flush
    arena = Buffer.allocUnsafeSlow(Math.max(ARENA_BYTES, n));
    used = 0;
  }
  const at = used;
  if (n <= LOOP_COPY_MAX) {
    const to = arena;
    for (let i = 0; i < n; i++) to[at + i] = chunk[start + i];
  } else chunk.copy(arena, at, start, end);
  used = at + n;
  return at;
}

/** Writers with bytes to flush; one setImmediate flushes them all (rather than one per socket). */
let dirty: BatchWriter[] = [];

function flushDirty(): void {
  const writers = dirty;
  dirty = [];
  for (const w of writers) w.flush();
  // a write made while flushing is in the arena and waits for the next flush: leave the arena be
  if (dirty.length > 0) return;
  if (arenaHeld) {
    arena = Buffer.allocUnsafeSlow(ARENA_BYTES);
    arenaHeld = false;
  }
  used = 0;
}

export class BatchWriter {
  private parts: Buffer[] = [];
  /**
   * The last run, still open for extension: a buffer (the arena, or one written as is), and the bytes
   * [openStart, openEnd) of it.
   */
  private open: Buffer | null = null;
  private openStart = 0;
  private openEnd = 0;
  private scheduled = false;
  private draining = false;
  /** Paused while the socket's buffer is full, so a slow reader cannot make us buffer without bound. */
  peer: Pausable | null = null;
  /** Told the bytes written and not yet handed to the socket, after each write and flush (a client's output budget). */
  onQueued: ((queued: number) => void) | null = null;
  private queued = 0;

  constructor(private readonly socket: Socket) {}

  /** Writes `bytes`, which must not change until they are flushed. */
  write(bytes: Buffer | readonly Buffer[]): void {
    if (Buffer.isBuffer(bytes)) this.run(bytes, 0, bytes.length);
    else for (const piece of bytes) this.run(piece, 0, piece.length);
    this.written();
  }

  /** Writes (a copy of) bytes [start, end) of `chunk`, which may be written over once this returns. */
  slice(chunk: Buffer, start: number, end: number): void {
    const at = toArena(chunk, start, end);
    this.run(arena, at, at + end - start);
    this.written();
  }

  private written(): void {
    if (!this.scheduled) {
      this.scheduled = true;
      if (dirty.push(this) === 1) setImmediate(flushDirty);
    }
    this.onQueued?.(this.queued);
  }

  private run(buf: Buffer, start: number, end: number): void {
    const open = this.open;
    if (open === buf && this.openEnd === start) {
      this.openEnd = end;
    } else {
      if (open !== null) this.parts.push(this.closeOpen(open));
      this.open = buf;
      this.openStart = start;
      this.openEnd = end;
    }
    this.queued += end - start;
  }

  private closeOpen(open: Buffer): Buffer {
    this.open = null;
    const start = this.openStart;
    const end = this.openEnd;
    return start === 0 && end === open.length ? open : open.subarray(start, end);
  }

  flush(): void {
    this.scheduled = false;
    const open = this.open;
    if (open === null) return;
    const parts = this.parts;
    parts.push(this.closeOpen(open));
    this.parts = [];
    const size = this.queued;
    this.queued = 0;
    const socket = this.socket;
    if (socket.destroyed || socket.writableEnded) return;
    let ok: boolean;
    if (parts.length === 1) ok = socket.write(parts[0]);
    else if (size <= JOIN_MAX) ok = socket.write(Buffer.concat(parts, size));
    else {
      socket.cork();
      for (const part of parts) socket.write(part);
      socket.uncork();
      ok = socket.writableLength < socket.writableHighWaterMark;
    }
    // not all of it went out: the socket keeps the buffers it was given, the arena among them
    if (socket.writableLength > 0) arenaHeld = true;
    this.onQueued?.(0);
    const peer = this.peer;
    if (!ok && peer && !this.draining) {
      this.draining = true;
      peer.pause();
      socket.once('drain', () => {
        this.draining = false;
        peer.resume();
      });
    }
  }

  /** Flushes, then half-closes: the peer gets everything written so far. */
  end(): void {
    this.flush();
    this.socket.end();
  }
}
