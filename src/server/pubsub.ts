// Recognizes pub/sub frames in Redis' output. In RESP3 they are pushes (`>`); in RESP2 they are
// ordinary arrays that Redis sends unsolicited once a connection subscribes, so the proxy has to look
// at the first element to tell a message from a reply.

export const enum PubsubKind {
  None = 0,
  /** message, pmessage, smessage: a delivery. */
  Message = 1,
  /** subscribe, psubscribe, unsubscribe, punsubscribe: the count is channels plus patterns. */
  Confirm = 2,
  /** ssubscribe, sunsubscribe: the count is shard channels. */
  ShardConfirm = 3,
}

const KINDS = new Map<string, PubsubKind>([
  ['message', PubsubKind.Message],
  ['pmessage', PubsubKind.Message],
  ['smessage', PubsubKind.Message],
  ['subscribe', PubsubKind.Confirm],
  ['psubscribe', PubsubKind.Confirm],
  ['unsubscribe', PubsubKind.Confirm],
  ['punsubscribe', PubsubKind.Confirm],
  ['ssubscribe', PubsubKind.ShardConfirm],
  ['sunsubscribe', PubsubKind.ShardConfirm],
]);

/** The commands that make Redis answer with confirmations instead of one ordinary reply. */
export const SUBSCRIBE_COMMANDS = new Set([
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'unsubscribe',
  'punsubscribe',
  'sunsubscribe',
]);

export interface PubsubFrame {
  kind: PubsubKind;
  /** For confirmations: the subscription count Redis reports after it. */
  count: number;
}

const NONE: PubsubFrame = { kind: PubsubKind.None, count: 0 };

function lineEnd(f: Buffer, from: number): number {
  const cr = f.indexOf(13, from);
  return cr < 0 ? f.length : cr;
}

/** Reads `*3\r\n$9\r\nsubscribe\r\n<channel>\r\n:1\r\n`-shaped frames (or `>`); anything else is None. */
export function readPubsubFrame(f: Buffer): PubsubFrame {
  let i = lineEnd(f, 0) + 2;
  if (f[i] !== 0x24 && f[i] !== 0x2b) return NONE;
  let kindText: string;
  if (f[i] === 0x24) {
    const hdr = lineEnd(f, i);
    const len = Number(f.toString('latin1', i + 1, hdr));
    if (!(len >= 7 && len <= 12)) return NONE;
    kindText = f.toString('latin1', hdr + 2, hdr + 2 + len);
    i = hdr + 2 + len + 2;
  } else {
    const end = lineEnd(f, i);
    kindText = f.toString('latin1', i + 1, end);
    i = end + 2;
  }
  const kind = KINDS.get(kindText.toLowerCase()) ?? PubsubKind.None;
  if (kind === PubsubKind.None || kind === PubsubKind.Message)
    return kind === PubsubKind.None ? NONE : { kind, count: 0 };
  // skip the channel (a bulk string or nil), then read the integer count
  if (f[i] === 0x24) {
    const hdr = lineEnd(f, i);
    const len = Number(f.toString('latin1', i + 1, hdr));
    i = len < 0 ? hdr + 2 : hdr + 2 + len + 2;
  } else {
    i = lineEnd(f, i) + 2;
  }
  if (f[i] !== 0x3a) return NONE;
  return { kind, count: Number(f.toString('latin1', i + 1, lineEnd(f, i))) };
}
