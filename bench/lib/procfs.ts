// Reads a server's CPU time and resident memory from Linux's /proc, and the machine facts the
// result files record (CPU model, cores, clock tick rate).

/** Clock ticks per second for /proc/PID/stat times (getconf CLK_TCK; 100 on Linux). */
export async function clockTicksPerSecond(): Promise<number> {
  try {
    const out = await new Deno.Command("getconf", { args: ["CLK_TCK"], stderr: "null" }).output();
    const n = Number(new TextDecoder().decode(out.stdout).trim());
    if (out.success && n > 0) return n;
  } catch {
    // getconf missing: fall through to Linux's fixed USER_HZ.
  }
  return 100;
}

/** User plus system CPU time of a process so far, in clock ticks (fields 14 and 15 of stat). */
export function cpuTicks(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // The command name (field 2) is in parentheses and may contain spaces: count fields after it.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state), so field N is rest[N - 3].
  return Number(rest[14 - 3]) + Number(rest[15 - 3]);
}

/** Resident set size of a process in bytes (VmRSS of /proc/PID/status). */
export function rssBytes(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const m = status.match(/^VmRSS:\s+(\d+)\s+kB/m);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

/**
 * Seconds RSS must stay put to count as at rest, and the longest wait for it. V8's memory
 * reducer collects what a burst of work left some 25 s after it, and RSS falls only then.
 */
export const REST_SECONDS = 35;
export const MAX_REST_SECONDS = 90;

/** The lowest RSS of process `pid` once it has not fallen by 0.5% for REST_SECONDS. */
export async function rssAtRest(pid: number): Promise<number> {
  let low = rssBytes(pid);
  let still = 0;
  for (let waited = 0; still < REST_SECONDS && waited < MAX_REST_SECONDS; waited++) {
    await new Promise((r) => setTimeout(r, 1000));
    const rss = rssBytes(pid);
    if (rss < low * 0.995) still = 0;
    else still++;
    low = Math.min(low, rss);
  }
  return low;
}

/** The CPU model name and the number of logical CPUs, from /proc/cpuinfo. */
export function cpuInfo(): { model: string; cores: number } {
  try {
    const text = Deno.readTextFileSync("/proc/cpuinfo");
    const model = text.match(/^model name\s*:\s*(.+)$/m)?.[1].trim() ?? "unknown";
    const cores = text.match(/^processor\s*:/gm)?.length ?? navigator.hardwareConcurrency;
    return { model, cores };
  } catch {
    return { model: "unknown", cores: navigator.hardwareConcurrency };
  }
}

/** The 1-minute load average, from /proc/loadavg. */
export function loadAverage(): number {
  try {
    return Number(Deno.readTextFileSync("/proc/loadavg").split(" ")[0]);
  } catch {
    return NaN;
  }
}
