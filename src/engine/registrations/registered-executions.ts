import { Execution } from '../execution.js';
import type { Executions } from '../executions.js';
import type { RunReport } from '../run-plan.js';
import type { EventOutcome } from '../worker/protocol.js';

/**
 * The executions of registrations that RG.DUMPEXECUTIONS lists (as registered), at most
 * MaxExecutionsPerRegistration per registration: older ones leave the list as new ones finish.
 */
export class RegisteredExecutions {
  private readonly recent = new Map<string, string[]>();

  constructor(
    private readonly executions: Executions,
    private readonly cap: () => number,
    private readonly nextId: () => string,
  ) {}

  /** Lists the last `cap` outcomes of a batch of `registrationId`'s events. */
  add(registrationId: string, outcomes: readonly EventOutcome[]): Execution[] {
    const cap = this.cap();
    const ids = this.recent.get(registrationId) ?? [];
    this.recent.set(registrationId, ids);
    const added: Execution[] = [];
    for (const outcome of outcomes.slice(Math.max(0, outcomes.length - cap))) {
      if (outcome.skipped) continue;
      const execution = new Execution(this.nextId(), true, true);
      execution.complete(report(outcome));
      this.executions.add(execution);
      ids.push(execution.id);
      added.push(execution);
    }
    while (ids.length > cap) this.executions.delete(ids.shift()!);
    return added;
  }

  /** The registration is gone: its executions leave the list. */
  forget(registrationId: string): void {
    for (const id of this.recent.get(registrationId) ?? []) this.executions.delete(id);
    this.recent.delete(registrationId);
  }
}

function report(outcome: EventOutcome): RunReport {
  return {
    results: outcome.results ?? [],
    errors: outcome.errors,
    recordsRead: 1,
    readMs: 0,
    totalMs: outcome.ms,
    steps: [],
  };
}
