// configGet / gearsConfigGet: synchronous, so they read the snapshot of the gears configuration
// the engine hands to each execution rather than asking the server.
export type ConfigSnapshot = Readonly<Record<string, number | boolean | string>>;

export function makeConfigReaders(snapshot: () => ConfigSnapshot) {
  const configGet = (key: string): number | boolean | string | null => snapshot()[key] ?? null;
  const gearsConfigGet = <D = null>(key: string, defaultValue?: D): number | boolean | string | D =>
    snapshot()[key] ?? (defaultValue as D);
  return { configGet, gearsConfigGet };
}
