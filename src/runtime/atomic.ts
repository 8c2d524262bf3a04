import { AsyncLocalStorage } from 'node:async_hooks';
import type { TransactionLink } from './redis-link.js';
import type { CommandTable } from './command-info.js';

interface Transaction {
  readonly queued: Array<readonly [string, ...unknown[]]>;
  /** Commands of the body still on their way (the body may not have awaited them). */
  readonly pending: Set<Promise<unknown>>;
  /** Set once the body is over: a command sent later would belong to no transaction. */
  ended: boolean;
}

const MAX_ATTEMPTS = 100;

/**
 * atomic(body) as an optimistic transaction (README.md, "Gear functions"): inside the body,
 * commands that read run at once on a dedicated connection after WATCHing their keys; commands
 * that write are queued (they answer 'QUEUED') and committed with MULTI/EXEC when the body
 * returns. If a watched key changed meanwhile, EXEC answers nil and the body runs again, so a
 * check-and-set written inside atomic is correct under concurrency. Bodies run one at a time per
 * connection, because WATCH state belongs to the connection.
 */
export class Atomic {
  private readonly storage = new AsyncLocalStorage<Transaction>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly link: TransactionLink,
    private readonly commands: CommandTable,
  ) {}

  /** Inside atomic(): where execute() sends its commands. */
  current(): Transaction | undefined {
    return this.storage.getStore();
  }

  call(tx: Transaction, command: string, args: unknown[]): Promise<unknown> {
    if (tx.ended)
      return Promise.reject(
        new Error(`atomic: ${command} was sent after its atomic() body ended; await commands inside the body`),
      );
    const sent = this.send(tx, command, args);
    tx.pending.add(sent);
    const settled = () => void tx.pending.delete(sent);
    sent.then(settled, settled);
    return sent;
  }

  private async send(tx: Transaction, command: string, args: unknown[]): Promise<unknown> {
    const info = await this.commands.info(command);
    if (info.write) {
      tx.queued.push([command, ...args]);
      return 'QUEUED';
    }
    const keys = info.keys(args);
    if (keys.length > 0) await this.link.call('WATCH', ...keys);
    return this.link.call(command, ...args);
  }

  run<T>(body: () => T | Promise<T>): Promise<Awaited<T>> {
    // nested: join the outer transaction
    if (this.current()) return new Promise<Awaited<T>>((resolve) => resolve(body() as Awaited<T>));
    const attempt = async (): Promise<Awaited<T>> => {
      for (let tries = 1; tries <= MAX_ATTEMPTS; tries++) {
        const tx: Transaction = { queued: [], pending: new Set(), ended: false };
        let value: Awaited<T>;
        try {
          value = await this.storage.run(tx, async () => await body());
          // a command the body sent without awaiting it still belongs to this transaction
          while (tx.pending.size > 0) await Promise.all(tx.pending);
        } catch (err) {
          tx.ended = true;
          await Promise.allSettled(tx.pending);
          await this.link.call('UNWATCH');
          throw err;
        }
        tx.ended = true;
        const committed = await this.link.execTransaction(tx.queued);
        if (committed === null) continue;
        // EXEC ran every queued command; one that failed (WRONGTYPE...) must not pass unnoticed.
        const failed = committed.find((reply) => reply instanceof Error);
        if (failed) throw failed;
        return value;
      }
      throw new Error(`atomic: gave up after ${MAX_ATTEMPTS} attempts, the keys it reads change too often`);
    };
    const result = this.tail.then(attempt, attempt);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
