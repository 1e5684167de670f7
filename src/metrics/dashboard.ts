// The live dashboard on the metrics port: `GET /` serves the page (src/metrics/dashboard_page.ts)
// and `GET /stats.json` a snapshot of the server's counters. The snapshot carries counters, not
// rates: the page derives ops/s, hit ratio and interval latency percentiles from two successive
// snapshots, so the server keeps no per-viewer state and any number of tabs cost the same.
import type { ServerState } from "../commands/context.ts";
import { KEYVAL_VERSION } from "../version.ts";
import { DASHBOARD_HTML } from "./dashboard_page.ts";
import { BOUNDS_US, FINITE_BUCKETS } from "./histogram.ts";

/** Counters of one command since start (or CONFIG RESETSTAT). */
export interface CommandSnapshot {
  calls: number;
  /** Total time in the handler, in microseconds. */
  usec: number;
  /** Latency percentiles since start, in seconds; null when none was recorded. */
  p50: number | null;
  p99: number | null;
}

/** Everything the dashboard shows, as counters and gauges at one instant. */
export interface DashboardSnapshot {
  /** Unix milliseconds when taken. */
  time: number;
  version: string;
  port: number;
  uptimeSeconds: number;
  /** Commands run since start. */
  commands: number;
  /** Per command (subcommands as "client|list"), only those called at least once. */
  perCommand: Record<string, CommandSnapshot>;
  /**
   * The latency histogram of all commands together: upper bounds in seconds (null for +Inf)
   * and the count in each bucket (not cumulative), as recorded since start.
   */
  latency: { le: (number | null)[]; counts: number[] };
  /** Latency percentiles of all commands since start, in seconds. */
  p50: number | null;
  p99: number | null;
  connections: number;
  connectionsReceived: number;
  connectionsRejected: number;
  keys: number;
  keysWithTtl: number;
  expiredKeys: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  /**
   * Memory the dataset takes: the V8 heap in use and the keyspace's pages, as /metrics'
   * keyval_memory_used_bytes.
   */
  datasetBytes: number;
  hits: number;
  misses: number;
  netInputBytes: number;
  netOutputBytes: number;
  errorReplies: number;
}

/** Bucket bounds in seconds as JSON carries them: +Inf, which JSON lacks, as null. */
const LE_SECONDS: (number | null)[] = [...BOUNDS_US.map((us) => us / 1e6), null];

/**
 * The q-quantile (0..1) in seconds of histogram bucket counts, interpolated linearly inside its
 * bucket as Prometheus's histogram_quantile does; the last finite bound when it falls in +Inf;
 * null when the histogram is empty. The page computes the same over the increase between two
 * snapshots.
 */
export function histogramQuantile(counts: ArrayLike<number>, q: number): number | null {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < FINITE_BUCKETS; i++) {
    const n = counts[i];
    if (n > 0 && seen + n >= rank) {
      const lower = i === 0 ? 0 : BOUNDS_US[i - 1];
      return (lower + (BOUNDS_US[i] - lower) * ((rank - seen) / n)) / 1e6;
    }
    seen += n;
  }
  return BOUNDS_US[FINITE_BUCKETS - 1] / 1e6;
}

/** The dashboard page: one self-contained HTML document. */
export function dashboardPage(): string {
  return DASHBOARD_HTML;
}

/** The counters the dashboard polls, read from the live server. */
export function dashboardSnapshot(server: ServerState): DashboardSnapshot {
  const perCommand: Record<string, CommandSnapshot> = {};
  const counts = new Array<number>(FINITE_BUCKETS + 1).fill(0);
  for (const cmd of server.commands.all()) {
    if (cmd.calls === 0) continue;
    const h = cmd.latency.counts;
    for (let i = 0; i <= FINITE_BUCKETS; i++) counts[i] += h[i];
    perCommand[cmd.fullName] = {
      calls: cmd.calls,
      usec: cmd.usec,
      p50: histogramQuantile(h, 0.5),
      p99: histogramQuantile(h, 0.99),
    };
  }
  const memory = Deno.memoryUsage();
  const { stats, keyspace } = server;
  return {
    time: Date.now(),
    version: KEYVAL_VERSION,
    port: server.port,
    uptimeSeconds: Math.floor((Date.now() - server.startedAt) / 1000),
    commands: stats.commands,
    perCommand,
    latency: { le: LE_SECONDS, counts },
    p50: histogramQuantile(counts, 0.5),
    p99: histogramQuantile(counts, 0.99),
    connections: server.clients.size,
    connectionsReceived: stats.connections,
    connectionsRejected: stats.rejectedConnections,
    keys: keyspace.size,
    keysWithTtl: keyspace.expires.size,
    expiredKeys: keyspace.expiredKeys,
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    datasetBytes: memory.heapUsed + keyspace.offHeapBytes,
    hits: keyspace.hits,
    misses: keyspace.misses,
    netInputBytes: stats.netInputBytes,
    netOutputBytes: stats.netOutputBytes,
    errorReplies: stats.errorReplies,
  };
}
