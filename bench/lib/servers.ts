// Starts and stops the servers that bench/compare.ts measures: keyval (the deno process itself,
// so /proc/PID is the server and not a shell) and, when installed, the reference redis-server.
import { RespClient } from "./client.ts";
import { bound } from "./affinity.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
/** `deno task start`'s arguments to deno (from deno.json), so keyval runs here as users run it. */
const START_ARGS: string[] = (JSON.parse(
  Deno.readTextFileSync(new URL("../../deno.json", import.meta.url)),
).tasks.start as string).split(" ").slice(1).map((a) => a === "main.ts" ? MAIN : a);
const FLOOR = new URL("./floor_server.ts", import.meta.url).pathname;
const HOST = "127.0.0.1";
/** The CPUs every server started from now on is bound to (taskset's list), if any. */
let serverCpus: string | undefined;

/** Binds the servers started from now on to `cpus` (see affinity.ts), or to none. */
export function bindServersTo(cpus: string | undefined): void {
  serverCpus = cpus;
}

/** A server under test. */
export interface BenchServer {
  /** "keyval", "redis" or "floor". */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** PID of the server process itself, for /proc readings. */
  readonly pid: number;
  /** What the server printed so far (capped), for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited after a few seconds. */
  stop(): Promise<void>;
}

/** A port that was free a moment ago: bind port 0 on 127.0.0.1, note the port, close. */
export function freePort(): number {
  const l = Deno.listen({ hostname: HOST, port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** The first line `cmd --version` prints, or undefined if the program is not installed. */
export async function versionOf(cmd: string, args = ["--version"]): Promise<string | undefined> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
    return new TextDecoder().decode(out.stdout).split("\n")[0].trim();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/**
 * Starts keyval on a free port, exactly as `deno task start` runs it, and waits for PING. Metrics
 * are on (a free port rather than 9100) unless `flags` say otherwise.
 */
export function startKeyval(
  name = "keyval",
  flags: string[] = ["--metrics-bind", "127.0.0.1:0"],
): Promise<BenchServer> {
  const port = freePort();
  return launch(name, port, Deno.execPath(), [
    ...START_ARGS,
    "--port",
    String(port),
    ...flags,
  ]);
}

/**
 * Starts the I/O floor (floor_server.ts) on a free port, with the runtime flags keyval gets from
 * `deno task start`, and waits until it answers (+OK to everything).
 */
export function startFloor(): Promise<BenchServer> {
  const port = freePort();
  const runtime = START_ARGS.filter((a) => a.startsWith("--v8-flags"));
  return launch("floor", port, Deno.execPath(), [
    "run",
    ...runtime,
    "--allow-net",
    FLOOR,
    "--port",
    String(port),
  ], "OK");
}

/** Starts redis-server on a free port with persistence off, and waits for PING. */
export function startRedis(): Promise<BenchServer> {
  const port = freePort();
  return launch("redis", port, "redis-server", [
    "--port",
    String(port),
    "--bind",
    HOST,
    "--save",
    "",
    "--appendonly",
    "no",
  ]);
}

async function launch(
  name: string,
  port: number,
  cmd: string,
  args: string[],
  pong = "PONG",
): Promise<BenchServer> {
  const [program, argv] = bound(cmd, args, serverCpus);
  const child = new Deno.Command(program, {
    args: argv,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let log = "";
  const decoder = new TextDecoder();
  // Drain both pipes so a chatty server never blocks on a full pipe; keep the head for errors.
  const drain = async (s: ReadableStream<Uint8Array>) => {
    for await (const chunk of s) {
      if (log.length < 20_000) log += decoder.decode(chunk, { stream: true });
    }
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]).catch(() => {});
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const server: BenchServer = {
    name,
    host: HOST,
    port,
    pid: child.pid,
    output: () => log,
    async stop() {
      if (!exited) {
        try {
          child.kill("SIGTERM");
        } catch {
          // Exited between the check and the signal.
        }
        const timer = setTimeout(() => {
          if (!exited) child.kill("SIGKILL");
        }, 5000);
        await status;
        clearTimeout(timer);
      }
      await drained;
    },
  };
  const deadline = Date.now() + 20_000;
  while (true) {
    if (exited) throw new Error(`${name} exited during startup:\n${log}`);
    try {
      const c = await RespClient.connect(HOST, port, 1000);
      try {
        if ((await c.command("PING")) === pong) return server;
      } finally {
        c.close();
      }
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${name} did not answer PING on port ${port} within 20 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
