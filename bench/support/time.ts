/** Milliseconds on a monotonic clock. */
export const now = (): number => performance.now();

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves true once `condition` holds, or false after `ms`; polls every `every` ms. */
export async function waitFor(condition: () => boolean, ms: number, every = 5): Promise<boolean> {
  const deadline = now() + ms;
  while (!condition()) {
    if (now() > deadline) return false;
    await sleep(every);
  }
  return true;
}
