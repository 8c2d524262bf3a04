/** An error the engine reports to a client as is (the server sends its message as an error reply). */
export class GearsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GearsError';
  }
}
