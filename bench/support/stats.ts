/** The q-quantile (0..1) of sorted values, nearest rank. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

/** The q-quantile of values (copied and sorted). */
export function quantile(values: readonly number[], q: number): number {
  return quantileSorted(Float64Array.from(values).sort(), q);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/**
 * The most events in any window of `windowMs`, sliding by 1 ms: `times` in ms
 * (any order). Events are binned per ms, so the answer is exact to the ms.
 */
export function peakInWindow(times: readonly number[], windowMs: number): number {
  if (times.length === 0) return 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const t of times) {
    if (t < min) min = t;
    if (t > max) max = t;
  }
  const bins = new Int32Array(Math.floor(max - min) + 1);
  for (const t of times) {
    const i = Math.floor(t - min);
    bins[i] = (bins[i] as number) + 1;
  }
  return peakInBins(bins, windowMs);
}

/** The largest sum of `width` consecutive bins. */
export function peakInBins(bins: Int32Array, width: number): number {
  let sum = 0;
  let best = 0;
  for (let i = 0; i < bins.length; i += 1) {
    sum += bins[i] as number;
    if (i >= width) sum -= bins[i - width] as number;
    if (sum > best) best = sum;
  }
  return best;
}

/** Counts per bin of `binMs`, from `from` to `to` (exclusive), for charts. */
export function histogram(
  times: readonly number[],
  binMs: number,
  from: number,
  to: number,
): { at: number; count: number }[] {
  const bins = new Array<number>(Math.max(1, Math.ceil((to - from) / binMs))).fill(0);
  for (const t of times) {
    const i = Math.floor((t - from) / binMs);
    if (i >= 0 && i < bins.length) bins[i] = (bins[i] ?? 0) + 1;
  }
  return bins.map((count, i) => ({ at: from + i * binMs, count }));
}

/** Seconds with `digits` decimals, from ms. */
export function seconds(ms: number, digits = 1): string {
  if (!Number.isFinite(ms)) return 'never';
  return `${(ms / 1000).toFixed(digits)} s`;
}

/** A ratio as `1.23x`. */
export function ratio(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value.toFixed(digits)}x`;
}

/** An integer with thin grouping: 12,345. */
export function count(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return Math.round(value).toLocaleString('en-US');
}
