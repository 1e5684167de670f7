// Starts a real keyval server for integration tests: a subprocess listening on port 0, whose
// port is read from its "listening on" line. KEYVAL_TEST_CMD (a JSON array) replaces the
// command, so the same suite runs against `deno run main.ts`, the bundle or a compiled binary.

import { RawClient } from "./raw.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** The command that starts keyval. */
export function serverCommand(): string[] {
  const custom = Deno.env.get("KEYVAL_TEST_CMD");
  if (custom) return JSON.parse(custom);
  return [Deno.execPath(), "run", "--allow-net", "--allow-env", MAIN];
}

/** How to start the server, beyond its flags and environment. */
export interface StartOptions {
  /** The command instead of `serverCommand()`. */
  command?: string[];
  /** Words run before the command, such as `sh -c 'ulimit -n 100 && exec "$@"' sh`. */
  prefix?: string[];
}

/** A running server. */
export interface TestServer {
  readonly host: string;
  readonly port: number;
  /** The port of /metrics, when the server serves it (start it with --metrics-bind HOST:0). */
  readonly metricsPort: number | undefined;
  readonly process: Deno.ChildProcess;
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
  /** Sends SIGTERM and waits; returns the exit code. */
  stop(): Promise<number>;
}

/** Starts keyval with extra flags (and environment), on 127.0.0.1 and a free port by default. */
export async function startServer(
  args: string[] = [],
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<TestServer> {
  const [cmd, ...rest] = [...(options.prefix ?? []), ...(options.command ?? serverCommand())];
  const defaults = args.some((a) => a.startsWith("--port") || a.startsWith("--bind")) ||
      "KEYVAL_BIND" in env
    ? []
    : ["--port", "0"];
  // Many servers start at once: never the fixed default metrics port. Off unless asked for.
  if (!args.some((a) => a.startsWith("--metrics-bind")) && !("METRICS_BIND" in env)) {
    defaults.push("--metrics-bind", "off");
  }
  const process = new Deno.Command(cmd, {
    args: [...rest, ...defaults, ...args],
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const decoder = new TextDecoder();
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  };
  const collecting = Promise.all([collect(process.stdout), collect(process.stderr)]);
  const deadline = Date.now() + 20_000;
  let match: RegExpMatchArray | null = null;
  while (!(match = text.match(/listening on (\S+):(\d+)/))) {
    if (Date.now() > deadline) {
      process.kill("SIGKILL");
      throw new Error(`keyval did not start:\n${text}`);
    }
    const exited = await Promise.race([
      process.status.then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), 20)),
    ]);
    if (exited) {
      await collecting;
      throw new Error(`keyval exited before listening:\n${text}`);
    }
  }
  const host = match[1];
  const port = Number(match[2]);
  // main prints the metrics line before the "listening" one.
  const metrics = text.match(/metrics on http:\/\/\S+:(\d+)\/metrics/);
  return {
    host,
    port,
    metricsPort: metrics ? Number(metrics[1]) : undefined,
    process,
    output: () => text,
    async stop() {
      try {
        process.kill("SIGTERM");
      } catch {
        // already exited
      }
      const status = await process.status;
      await collecting;
      return status.code;
    },
  };
}

/** Runs `fn` against a fresh server and always stops it. */
export async function withServer(
  fn: (server: TestServer) => Promise<void>,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<void> {
  const server = await startServer(args, env);
  try {
    await fn(server);
  } finally {
    await server.stop();
  }
}

/** Runs `fn` with a raw client of a fresh server (started with `args`). */
export async function withClient(
  fn: (c: RawClient) => Promise<void>,
  args: string[] = [],
): Promise<void> {
  await withServer(async ({ port }) => {
    const c = await RawClient.connect(port);
    try {
      await fn(c);
    } finally {
      c.close();
    }
  }, args);
}

/** The server's STATS counters, as numbers. */
export async function readStats(c: RawClient): Promise<Record<string, number>> {
  const text = await c.call("STATS");
  if (typeof text !== "string") throw new Error(`STATS replied ${text}`);
  const entries = text.trim().split(/\r?\n/).map((line) => {
    const [k, v] = line.split(":");
    return [k, Number(v)] as const;
  });
  return Object.fromEntries(entries);
}
