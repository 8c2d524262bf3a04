// How the client commands print: a readable table on a terminal, real JSON values with --json.
import Table from 'cli-table3';

export interface OutputOptions {
  readonly json?: boolean;
}

/** Prints `rows` as a table with `columns` (or as a JSON array of the rows' objects with --json). */
export function printRows(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
  options: OutputOptions,
): void {
  if (options.json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  if (rows.length === 0) {
    console.log('(none)');
    return;
  }
  const table = new Table({ head: [...columns], style: { head: [], border: [] } });
  for (const row of rows) table.push(columns.map((c) => cell(row[c])));
  console.log(table.toString());
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A result as JSON holds it: strings that are JSON text become their values. */
export function jsonValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
