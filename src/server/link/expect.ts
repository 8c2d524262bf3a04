// What a command sent on a Redis link expects back. The link pairs each reply frame Redis sends with
// the oldest pending expectation, so it knows whose frame it is and what the frame means.

export type Expect =
  /** One frame, relayed to its owner. */
  | 'reply'
  /** One frame, the link's own (credentials, database, protocol); an error fails the link. */
  | 'setup'
  /** One frame, the link's own bookkeeping (putting back a shared link's database); discarded. */
  | 'drop'
  /**
   * A (P|S)(UN)SUBSCRIBE: Redis answers once per channel (or once for none), so a PING follows it and
   * every frame up to the PING's reply is relayed; the PING's reply ends it and is discarded.
   */
  | 'subscribe'
  /** Relayed; on success the owner speaks the protocol it asked for. */
  | 'hello'
  /** Relayed; on success the owner is authenticated as the user it named. */
  | 'auth'
  /** Relayed; on success the owner is in the database it asked for. */
  | 'select'
  /** Relayed; on success Redis reset the connection (RESET). */
  | 'reset'
  /** An ACL probe for an RG.* command: not relayed; the owner reads the verdict from the frame. */
  | 'probe'
  /** A question the server asks for a command it shapes the answer of (clients-commands.ts): not relayed. */
  | 'fetch';

/** An error reply (`-` or RESP3's `!`). */
export function isErrorFrame(frame: Buffer): boolean {
  return frame[0] === 0x2d || frame[0] === 0x21;
}
