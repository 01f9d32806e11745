// Summaries of repeated timings: median with min and max, percentiles for frame times.

export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
  samples: number[];
}

/** Linear-interpolated percentile (p in [0, 100]) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error("percentile of no samples");
  const s = [...samples].sort((a, b) => a - b);
  const at = (p / 100) * (s.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (at - lo);
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error("summary of no samples");
  return { median: percentile(samples, 50), min: Math.min(...samples), max: Math.max(...samples), n: samples.length, samples: [...samples] };
}

/** ms since an arbitrary origin, sub-millisecond. */
export const now = (): number => performance.now();

/** Times one async call in ms. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = now();
  const value = await fn();
  return { ms: now() - t0, value };
}
