// Reply parsers shared by the typed commands. Clients disagree on shapes (ioredis turns HGETALL into
// an object, node-redis in RESP2 gives a flat array, RESP3 maps may arrive as Map), so each parser
// accepts every shape a supported client produces and returns one precise type.

export type ScoredMember = readonly [member: string, score: number];

export function toNumber(reply: unknown): number {
  if (typeof reply === 'number') return reply;
  if (typeof reply === 'string' || typeof reply === 'bigint') return Number(reply);
  throw new TypeError(`expected a number from Redis, got ${describeReply(reply)}`);
}

export function toNumberOrNull(reply: unknown): number | null {
  return reply === null || reply === undefined ? null : toNumber(reply);
}

export function toBoolean(reply: unknown): boolean {
  return reply === 1 || reply === true || reply === 'OK' || reply === '1';
}

export function toStringOrNull(reply: unknown): string | null {
  if (reply === null || reply === undefined) return null;
  return toText(reply);
}

export function toText(reply: unknown): string {
  if (typeof reply === 'string') return reply;
  if (Buffer.isBuffer(reply)) return reply.toString('utf8');
  if (typeof reply === 'number') return String(reply);
  throw new TypeError(`expected a string from Redis, got ${describeReply(reply)}`);
}

export function toStrings(reply: unknown): string[] {
  if (Array.isArray(reply)) return reply.map(toText);
  if (reply instanceof Set) return [...reply].map(toText);
  throw new TypeError(`expected an array from Redis, got ${describeReply(reply)}`);
}

export function toNullableStrings(reply: unknown): (string | null)[] {
  if (!Array.isArray(reply)) throw new TypeError(`expected an array from Redis, got ${describeReply(reply)}`);
  return reply.map(toStringOrNull);
}

export function toRecord(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) out[toText(reply[i])] = toText(reply[i + 1]);
  } else if (reply instanceof Map) {
    for (const [k, v] of reply) out[toText(k)] = toText(v);
  } else if (reply && typeof reply === 'object') {
    for (const [k, v] of Object.entries(reply)) out[k] = toText(v);
  } else {
    throw new TypeError(`expected a hash from Redis, got ${describeReply(reply)}`);
  }
  return out;
}

/** WITHSCORES replies: flat `[m, s, m, s]` (RESP2), pairs `[[m, s]]` (RESP3) or `{value, score}` objects. */
export function toScoredMembers(reply: unknown): ScoredMember[] {
  if (!Array.isArray(reply)) throw new TypeError(`expected an array from Redis, got ${describeReply(reply)}`);
  const out: ScoredMember[] = [];
  if (reply.length === 0) return out;
  const first = reply[0];
  if (Array.isArray(first)) for (const [m, s] of reply) out.push([toText(m), toNumber(s)]);
  else if (first && typeof first === 'object' && !Buffer.isBuffer(first))
    for (const { value, score } of reply) out.push([toText(value), toNumber(score)]);
  else for (let i = 0; i + 1 < reply.length; i += 2) out.push([toText(reply[i]), toNumber(reply[i + 1])]);
  return out;
}

export function toOk(reply: unknown): 'OK' {
  if (reply === 'OK') return 'OK';
  throw new TypeError(`expected OK from Redis, got ${describeReply(reply)}`);
}

/** SET with NX/XX/GET answers nil when it did not write. */
export function toOkOrNull(reply: unknown): 'OK' | null {
  return reply === null || reply === undefined ? null : toOk(reply);
}

/** SCAN-family replies: `[cursor, items]`. */
export function toScanPage(reply: unknown): readonly [cursor: string, items: string[]] {
  if (!Array.isArray(reply) || reply.length !== 2) {
    throw new TypeError(`expected a [cursor, items] SCAN reply, got ${describeReply(reply)}`);
  }
  return [toText(reply[0]), toStrings(reply[1])];
}

function describeReply(reply: unknown): string {
  if (reply === null || reply === undefined) return 'nil';
  if (Array.isArray(reply)) return `an array of ${reply.length}`;
  return `${typeof reply} ${JSON.stringify(reply)?.slice(0, 60)}`;
}
