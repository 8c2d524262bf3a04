import type { Execution } from './execution.js';

/**
 * The executions list of RG.DUMPEXECUTIONS, capped by MaxExecutions: when it is over the cap,
 * finished executions go first, oldest first; running ones stay until they finish.
 */
export class Executions {
  private readonly byId = new Map<string, Execution>();

  constructor(private readonly maxExecutions: () => number) {}

  add(execution: Execution): void {
    this.byId.set(execution.id, execution);
    this.trim();
    // running executions may hold the list above the cap; each one that finishes brings it back down
    if (!execution.finished) void execution.whenFinished().then(() => this.trim());
  }

  get(id: string): Execution | undefined {
    return this.byId.get(id);
  }

  delete(id: string): boolean {
    return this.byId.delete(id);
  }

  list(): Execution[] {
    return [...this.byId.values()].filter((e) => e.listed || !e.finished);
  }

  trim(): void {
    let excess = this.byId.size - this.maxExecutions();
    if (excess <= 0) return;
    for (const [id, execution] of this.byId) {
      if (excess <= 0) break;
      if (execution.finished) {
        this.byId.delete(id);
        excess--;
      }
    }
  }
}
