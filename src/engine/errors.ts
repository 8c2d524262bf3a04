/** An error the engine reports to a client as is (the server sends its message as an error reply). */
export class GearsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GearsError';
  }
}

/**
 * Ends an execution with status `aborted` rather than adding a record error: thrown when the
 * execution cannot go on as a whole (a shard stopped answering, records could not move).
 */
export class ExecutionAbortedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecutionAbortedError';
  }
}
