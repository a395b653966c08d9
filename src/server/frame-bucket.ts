// The flood limit: a token bucket per socket, one token per frame.

/** Returns a function that takes one token, and says false when the bucket is empty. */
export function createFrameBucket(perSecond: number, burst: number, now: () => number) {
  let tokens = burst;
  let filledAt = now();
  return (): boolean => {
    const at = now();
    tokens = Math.min(burst, tokens + ((at - filledAt) * perSecond) / 1000);
    filledAt = at;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}
