/**
 * The seed plan's four states and the machine states they stand for
 * (DESIGN.md, "Seed mapping"). A machine state counts as the seed state of
 * its closest mapped ancestor; `connecting`, `idle`, `failed` and `closed`
 * have no seed counterpart.
 */
export const seedMapping = {
  CONNECTED: 'session.connected',
  SYNCING: 'session.connected.syncing',
  RECONNECTING: 'session.reconnecting',
  DISCONNECTED: 'disconnected',
} as const;

export type SeedState = keyof typeof seedMapping;

/** The seed state a machine state path belongs to, most specific first. */
export function seedStateOf(path: string): SeedState | undefined {
  const entries = Object.entries(seedMapping) as [SeedState, string][];
  const matching = entries.filter(([, mapped]) => path === mapped || path.startsWith(`${mapped}.`));
  matching.sort(([, a], [, b]) => b.length - a.length);
  return matching[0]?.[0];
}
