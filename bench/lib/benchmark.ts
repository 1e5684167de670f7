// Runs redis-benchmark against one server and parses its --csv output (Redis 7.0 columns:
// test, rps, avg/min/p50/p95/p99/max latency in ms).

/** One CSV row of redis-benchmark: a test's throughput and latency distribution. */
export interface BenchRow {
  test: string;
  rps: number;
  avgMs: number;
  minMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** What one redis-benchmark run produced. */
export type BenchOutcome =
  | { kind: "ok"; rows: BenchRow[] }
  /** The server answered "unknown command": the workload is n/a for this server. */
  | { kind: "unknown"; message: string }
  | { kind: "error"; message: string };

/** Splits one CSV line, honouring double quotes (test names may hold spaces and parentheses). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Parses redis-benchmark --csv output into rows, by header names so column order may vary. */
export function parseBenchmarkCsv(text: string): BenchRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.startsWith('"'));
  const header = lines.findIndex((l) => l.startsWith('"test"'));
  if (header < 0) return [];
  const cols = csvFields(lines[header]);
  const col = (name: string) => cols.indexOf(name);
  const rows: BenchRow[] = [];
  for (const line of lines.slice(header + 1)) {
    const f = csvFields(line);
    const num = (name: string) => Number(f[col(name)]);
    rows.push({
      test: f[col("test")],
      rps: num("rps"),
      avgMs: num("avg_latency_ms"),
      minMs: num("min_latency_ms"),
      p50Ms: num("p50_latency_ms"),
      p95Ms: num("p95_latency_ms"),
      p99Ms: num("p99_latency_ms"),
      maxMs: num("max_latency_ms"),
    });
  }
  return rows;
}

/** Runs `redis-benchmark -h host -p port --csv ...args`, killing it after timeoutMs. */
export async function runBenchmark(
  host: string,
  port: number,
  args: string[],
  timeoutMs = 180_000,
): Promise<BenchOutcome> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("redis-benchmark", {
      args: ["-h", host, "-p", String(port), "--csv", ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(timeoutMs),
    }).output();
  } catch (err) {
    return { kind: "error", message: `redis-benchmark: ${(err as Error).message}` };
  }
  const dec = new TextDecoder();
  const stdout = dec.decode(out.stdout);
  const stderr = dec.decode(out.stderr);
  // redis-benchmark prints the server's error and exits 1 on the first error reply.
  const unknown = (stdout + stderr).match(/ERR unknown command[^\n]*/);
  if (unknown) return { kind: "unknown", message: unknown[0].trim() };
  const rows = parseBenchmarkCsv(stdout);
  if (!out.success || rows.length === 0) {
    const why = (stderr || stdout).trim().split("\n").slice(-3).join(" | ");
    return { kind: "error", message: `redis-benchmark exited ${out.code}: ${why}` };
  }
  return { kind: "ok", rows };
}
