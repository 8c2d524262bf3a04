import { isAscii } from 'node:buffer';

// Decodes what Redis' Lua `cmsgpack.pack` makes of an array of arrays of strings and `false`: one
// bulk reply per batch instead of thousands of RESP elements, which ioredis decodes one by one at
// several times the cost (BENCHMARKS.md, cluster section). Only the types such a table packs to are
// read; anything else is a bug in the script that packed it.

export type Packed = string | null | Packed[];

class Reader {
  private at = 0;
  /** The whole buffer as one string when it is ASCII: each piece is then a cheap substring. */
  private readonly text: string | undefined;

  constructor(private readonly buf: Buffer) {
    this.text = isAscii(buf) ? buf.toString('latin1') : undefined;
  }

  read(): Packed {
    const buf = this.buf;
    const byte = buf[this.at++];
    if (byte >= 0xa0 && byte <= 0xbf) return this.string(byte & 0x1f);
    if (byte >= 0x90 && byte <= 0x9f) return this.array(byte & 0x0f);
    switch (byte) {
      case 0xc0: // nil
      case 0xc2: // false
        return null;
      case 0xd9:
        return this.string(buf[this.at++]);
      case 0xda:
        this.at += 2;
        return this.string(buf.readUInt16BE(this.at - 2));
      case 0xdb:
        this.at += 4;
        return this.string(buf.readUInt32BE(this.at - 4));
      case 0xdc:
        this.at += 2;
        return this.array(buf.readUInt16BE(this.at - 2));
      case 0xdd:
        this.at += 4;
        return this.array(buf.readUInt32BE(this.at - 4));
      case 0x80: // an empty Lua table may pack as an empty map
        return [];
      default:
        throw new Error(`unexpected MessagePack type 0x${byte.toString(16)} at byte ${this.at - 1}`);
    }
  }

  private string(length: number): string {
    const start = this.at;
    this.at += length;
    return this.text !== undefined ? this.text.substring(start, this.at) : this.buf.toString('utf8', start, this.at);
  }

  private array(length: number): Packed[] {
    const out = new Array<Packed>(length);
    for (let i = 0; i < length; i++) out[i] = this.read();
    return out;
  }
}

export function unpack(buf: Buffer): Packed {
  return new Reader(buf).read();
}
