// gearbox executions | registrations | trigger | abort: the gears commands an operator types most.
import type { RedisGears } from '../client/index.js';
import { connectClient, type ServerOptions } from './connection.js';
import { jsonValue, printRows, type OutputOptions } from './output.js';

type Options = ServerOptions & OutputOptions;
/** `--cluster`: the whole cluster's view instead of the node's own. */
type ListOptions = Options & { readonly cluster?: boolean };

const locality = (options: ListOptions) => (options.cluster ? 'CLUSTER' : undefined);

async function withClient<T>(options: Options, body: (client: RedisGears) => Promise<T>): Promise<T> {
  const client = await connectClient(options);
  try {
    return await body(client);
  } finally {
    client.disconnect();
  }
}

/** `gearbox executions`: RG.DUMPEXECUTIONS with each execution's progress. */
export async function executionsCommand(options: ListOptions): Promise<void> {
  await withClient(options, async (client) => {
    const rows = [];
    for (const e of await client.gears.dumpexecutions({}, locality(options))) {
      const plan = Object.values(await client.gears.getexecution(e.executionId).catch(() => ({})))[0];
      rows.push({
        id: e.executionId.text,
        status: e.status,
        registered: e.registered,
        records_read: plan?.records_read ?? null,
        results: plan && plan.results >= 0 ? plan.results : null,
        errors: plan?.errors.length ?? null,
        duration_ms: plan?.total_duration ?? null,
      });
    }
    printRows(rows, ['id', 'status', 'registered', 'records_read', 'results', 'errors', 'duration_ms'], options);
  });
}

/** `gearbox registrations`: RG.DUMPREGISTRATIONS, one row each. */
export async function registrationsCommand(options: ListOptions): Promise<void> {
  await withClient(options, async (client) => {
    const rows = (await client.gears.dumpregistrations({}, locality(options))).map((r) => {
      const data = r.RegistrationData;
      const args = data.args as Record<string, unknown>;
      return {
        id: r.id.text,
        reader: r.reader,
        desc: r.desc,
        on: args.trigger ?? args.regex ?? null,
        mode: data.mode,
        status: data.status,
        triggered: data.numTriggered,
        success: data.numSuccess,
        failures: data.numFailures,
        aborted: data.numAborted,
        lastError: data.lastError,
        session: (r.PD as { sessionName?: string } | null)?.sessionName ?? null,
      };
    });
    const columns = [
      'id',
      'reader',
      'on',
      'mode',
      'status',
      'triggered',
      'success',
      'failures',
      'lastError',
      'session',
    ];
    printRows(rows, options.json ? [] : columns, options);
  });
}

/** `gearbox trigger <name> [args...]`: RG.TRIGGER, each result on a line (JSON values with --json). */
export async function triggerCommand(name: string, args: string[], options: Options): Promise<void> {
  await withClient(options, async (client) => {
    const result = await client.gears.trigger(name, ...args);
    if (options.json) console.log(JSON.stringify(result.results.map(jsonValue), null, 2));
    else for (const value of result.results) console.log(value);
  });
}

/** `gearbox abort <id>`: RG.ABORTEXECUTION, then RG.DROPEXECUTION with --drop. */
export async function abortCommand(id: string, options: Options & { readonly drop?: boolean }): Promise<void> {
  await withClient(options, async (client) => {
    await client.gears.abortexecution(id);
    if (options.drop) await client.gears.dropexecution(id);
    if (options.json) console.log(JSON.stringify({ aborted: id, dropped: options.drop === true }));
    else console.log(`aborted ${id}${options.drop ? ' and dropped it' : ''}`);
  });
}
