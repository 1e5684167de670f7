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
