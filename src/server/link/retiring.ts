// Links the server closed itself, which Redis may still list for a moment: it frees a connection only
// once it reads the close. clients-view.ts counts them as the server's own, so a client that just left
// is not counted, listed or killed as one of Redis' other connections.
/** Longer than Redis takes to notice a close, even on a loaded machine. */
const RETIRING_MS = 2000;

/** Address as Redis lists it → when the server closed it; insertion order is time order. */
const retiring = new Map<string, number>();

function prune(now: number): void {
  for (const [address, at] of retiring) {
    if (now - at < RETIRING_MS) break;
    retiring.delete(address);
  }
}

/** `address` as Redis lists it (RedisLink.listedAddress). */
export function retire(address: string): void {
  if (address === '') return;
  const now = performance.now();
  prune(now);
  retiring.delete(address);
  retiring.set(address, now);
}

export function retiringLinks(): ReadonlySet<string> {
  prune(performance.now());
  return new Set(retiring.keys());
}
