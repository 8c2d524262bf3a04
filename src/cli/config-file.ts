// The seed CLI's config file (RedGrease reads it with configargparse): `key=value` lines,
// `flag=true`, `list=[a,b,c]`, `#` comments. Keys are option names without their dashes
// (`index-prefix=...` or `index_prefix=...`). Values apply only where neither the command line nor
// an environment variable gave one.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';

export type ConfigValues = Record<string, string | boolean | string[]>;

export function parseConfigFile(path: string): ConfigValues {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`cannot read the config file ${path}: check the path given to -c/--config`);
  }
  const values: ConfigValues = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';') || line.startsWith('[')) return;
    const eq = line.indexOf('=');
    if (eq < 1) throw new Error(`${path}:${index + 1}: expected key=value, got "${line}"`);
    const key = line.slice(0, eq).trim().replace(/^-+/, '');
    const value = line.slice(eq + 1).trim();
    if (value === 'true' || value === 'false') values[key] = value === 'true';
    else if (/^\[.*\]$/.test(value))
      values[key] = value
        .slice(1, -1)
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
    else values[key] = value.replace(/^(["'])(.*)\1$/, '$2');
  });
  return values;
}

const camel = (key: string) => key.replace(/[-_]([a-z])/g, (_, c: string) => c.toUpperCase());

/** Applies `values` to `command`'s options that still hold their defaults (or nothing). */
export function applyConfig(command: Command, values: ConfigValues): void {
  const known = new Set(command.options.map((o) => o.attributeName()));
  for (const [key, value] of Object.entries(values)) {
    const name = camel(key);
    if (!known.has(name)) throw new Error(`config file: unknown option "${key}" (known: ${[...known].join(', ')})`);
    const source = command.getOptionValueSource(name);
    if (source === undefined || source === 'default') command.setOptionValueWithSource(name, value, 'config');
  }
}
