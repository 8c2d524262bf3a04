// CLIENT REPLY ON|OFF|SKIP as Redis applies it: OFF silences every reply until ON, SKIP silences the
// next command's. The gears server follows the mode so it neither waits for replies Redis will not
// send nor sends replies of its own commands (RG.*) that Redis would have silenced.
import type { Request } from './resp/request.js';

export class ClientReplyMode {
  private mode: 'on' | 'off' | 'skip' = 'on';
  /** The last command was the one a SKIP silenced. */
  consumedSkip = false;

  /** Follows `req` (about to run) and tells whether its reply reaches the client. */
  next(req: Request, inMulti: boolean): boolean {
    const name = req.name;
    if (this.mode === 'on' && name !== 'client' && name !== 'reset') {
      this.consumedSkip = false;
      return true;
    }
    // RESET turns replies back on and answers
    if (name === 'reset') {
      this.mode = 'on';
      this.consumedSkip = false;
      return true;
    }
    const skipped = this.mode === 'skip';
    this.consumedSkip = skipped;
    if (skipped) this.mode = 'on';
    if (name === 'client' && !inMulti && req.args.length === 2 && req.arg0() === 'reply') {
      switch (req.args[1].toString('latin1').toLowerCase()) {
        case 'on':
          this.mode = 'on';
          return true;
        case 'off':
          this.mode = 'off';
          return false;
        case 'skip':
          if (this.mode !== 'off') this.mode = 'skip';
          return false;
      }
    }
    return this.mode === 'on' && !skipped;
  }

  get on(): boolean {
    return this.mode === 'on';
  }

  reset(): void {
    this.mode = 'on';
  }
}
