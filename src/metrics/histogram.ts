// A latency histogram with power-of-two microsecond buckets (1 µs, 2 µs, 4 µs ... 2^23 µs, then
// +Inf). The same buckets serve Prometheus (`le` in seconds) and LATENCY HISTOGRAM (Redis reports
// its HDR histogram at power-of-two microsecond steps), so one record feeds both. Recording is a
// clz32, an array increment and two additions: cheap enough for every command.

/** Finite buckets: upper bounds 2^0 .. 2^23 µs (the last is about 8.4 s). */
export const FINITE_BUCKETS = 24;

/** The finite upper bounds in microseconds. */
export const BOUNDS_US: readonly number[] = Array.from(
  { length: FINITE_BUCKETS },
  (_, i) => 2 ** i,
);

/** The bucket of a duration in µs: the first whose bound is >= it; FINITE_BUCKETS is +Inf. */
export function bucketOf(us: number): number {
  if (us <= 1) return 0;
  if (us > BOUNDS_US[FINITE_BUCKETS - 1]) return FINITE_BUCKETS;
  // ceil(log2(us)) for us in (1, 2^23]: bit length of ceil(us) - 1.
  return 32 - Math.clz32(Math.ceil(us) - 1);
}

/** Counts of durations by bucket, plus their number and sum. */
export class LatencyHistogram {
  /** Per-bucket counts (not cumulative); the last slot is +Inf. */
  readonly counts = new Float64Array(FINITE_BUCKETS + 1);
  count = 0;
  /** Sum of the recorded durations, in microseconds. */
  sumUs = 0;

  /** Adds one duration in microseconds. */
  record(us: number): void {
    this.counts[bucketOf(us)]++;
    this.count++;
    this.sumUs += us;
  }

  /** Adds `n` durations of `us` each (commands of one batch share its time). */
  recordMany(us: number, n: number): void {
    this.counts[bucketOf(us)] += n;
    this.count += n;
    this.sumUs += us * n;
  }

  /** Forgets everything (CONFIG RESETSTAT, LATENCY RESET of histograms). */
  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sumUs = 0;
  }

  /**
   * The upper bound in µs of the bucket holding quantile `q` (0..1), as Prometheus's
   * histogram_quantile would bound it; 0 when empty, Infinity when it falls past the last bound.
   */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < FINITE_BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return BOUNDS_US[i];
    }
    return Infinity;
  }
}
