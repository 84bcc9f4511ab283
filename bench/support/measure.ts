/**
 * Measuring helpers shared by the benchmark modules (this folder is not scanned for
 * modules by bench/run.ts).
 */

/** Runs `fn` while sampling the process's resident set size every 50 ms; returns the peak in MB. */
export async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, peakMb: peak / 1e6 };
  } finally {
    clearInterval(timer);
  }
}

/** The process's peak resident set size so far (resourceUsage maxRSS), in MB. */
export function maxRssMb(): number {
  return (process.resourceUsage().maxRSS * 1024) / 1e6;
}

/**
 * Least-squares slope of log(y) over log(x): the k in y ~ x^k (1 = linear growth).
 * Needs at least two points with distinct x.
 */
export function growthExponent(points: readonly { x: number; y: number }[]): number {
  const xs = points.map((p) => Math.log(p.x));
  const ys = points.map((p) => Math.log(p.y));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  if (den === 0) throw new Error('growthExponent needs two distinct sizes');
  return num / den;
}
