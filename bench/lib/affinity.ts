// Which CPUs the servers and the load generator run on, for bench/compare.ts. On this 2-vCPU
// virtual machine one vCPU ran ~1.5 times slower than the other for minutes at a time (the same
// Python loop: 910 against 597 ms), and a server's CPU time per request followed the vCPU the
// scheduler had put it on (unpipelined SET bound to one, then the other: 34.4 and 24.3 µs). Two
// servers measured one after the other could each draw a different one, which made whole runs
// swing. Bound to the same CPU, every server under test meets the same one, and redis-benchmark
// keeps the other(s) to itself. Which vCPU is the slow one changes (half an hour later: 543 ms on
// CPU 0, 837 on CPU 1), so the rounds' own ratios, not absolute numbers, compare like with like.

/** CPU lists in taskset's syntax ("1", "0,2-3"). */
export interface Affinity {
  /** Every server under test. */
  readonly servers: string;
  /** redis-benchmark, and the compare process itself (its loads and checks). */
  readonly client: string;
}

/** The CPUs of a list in taskset's syntax ("0-3,6"), in order; throws on anything else. */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.trim().split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(`not a CPU list: "${list}"`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new Error(`not a CPU list: "${list}"`);
    for (let c = from; c <= to; c++) cpus.push(c);
  }
  return cpus;
}

/**
 * The split for `cpus` (those this process may run on): the last for the servers, the rest for
 * the client; undefined with a single CPU, where binding could only make things worse.
 */
export function splitCpus(cpus: number[]): Affinity | undefined {
  if (cpus.length < 2) return undefined;
  return { servers: String(cpus[cpus.length - 1]), client: cpus.slice(0, -1).join(",") };
}

/**
 * The CPUs this process may run on, from `taskset -pc`; undefined when taskset is not installed
 * (util-linux) or says something else.
 */
export async function allowedCpus(): Promise<number[] | undefined> {
  try {
    const out = await new Deno.Command("taskset", {
      args: ["-pc", String(Deno.pid)],
      stdout: "piped",
      stderr: "null",
    }).output();
    // "pid 123's current affinity list: 0,1"
    const list = new TextDecoder().decode(out.stdout).split(":").pop();
    return out.success && list !== undefined ? parseCpuList(list) : undefined;
  } catch {
    return undefined;
  }
}

/** Binds this process (every thread) to `cpus`. */
export async function bindSelf(cpus: string): Promise<void> {
  const out = await new Deno.Command("taskset", {
    args: ["-apc", cpus, String(Deno.pid)],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`taskset: ${new TextDecoder().decode(out.stderr).trim()}`);
}

/**
 * `cmd args` to run on `cpus`: through taskset, which sets the affinity and then execs the
 * program, so the PID is still the program's (/proc readings need that). As is without `cpus`.
 */
export function bound(cmd: string, args: string[], cpus: string | undefined): [string, string[]] {
  return cpus === undefined ? [cmd, args] : ["taskset", ["-c", cpus, cmd, ...args]];
}
