// The HTTP side of the server, on --metrics-bind: Prometheus's /metrics, and the live dashboard
// (`/` and the `/stats.json` it polls). Served by Deno.serve in the same process as the clients,
// so a scrape reads the live counters without any copying between processes.
import type { ServerState } from "../commands/context.ts";
import { CONTENT_TYPE, renderMetrics } from "./prometheus.ts";
import { dashboardPage, dashboardSnapshot } from "./dashboard.ts";

/** Thrown when the metrics address cannot be bound. */
export class MetricsBindError extends Error {}

/** The running HTTP endpoint. */
export interface MetricsServer {
  readonly host: string;
  /** The port actually bound (differs from the one asked for when that was 0). */
  readonly port: number;
  /** Stops serving; resolves once in-flight requests are answered. */
  shutdown(): Promise<void>;
}

/** Answers one request for the server `s`. */
export function handle(s: ServerState, req: Request): Response {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return new Response("method not allowed\n", { status: 405, headers: { allow: "GET, HEAD" } });
  }
  const path = new URL(req.url).pathname;
  switch (path) {
    case "/metrics":
      return new Response(renderMetrics(s), { headers: { "content-type": CONTENT_TYPE } });
    case "/":
      return new Response(dashboardPage(), {
        headers: { "content-type": "text/html; charset=utf-8" },
      });
    case "/stats.json":
      return Response.json(dashboardSnapshot(s), { headers: { "cache-control": "no-store" } });
    default:
      return new Response("not found: try /metrics or /\n", { status: 404 });
  }
}

/** Serves /metrics and the dashboard for `s` on host:port (0 picks a free port). */
export function serveMetrics(s: ServerState, host: string, port: number): MetricsServer {
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve(
      { hostname: host, port, onListen: () => {}, onError: onError },
      (req) => handle(s, req),
    );
  } catch (err) {
    throw new MetricsBindError(
      `cannot serve metrics on ${host}:${port}: ${(err as Error).message} ` +
        "(choose another address with --metrics-bind HOST:PORT, or --metrics-bind off)",
    );
  }
  return {
    host,
    port: server.addr.port,
    shutdown: () => server.shutdown(),
  };
}

function onError(err: unknown): Response {
  console.error("keyval: metrics endpoint:", err);
  return new Response("internal error\n", { status: 500 });
}
