// keyval's entry point: configuration, then the server, then signal handling. Nothing else.
import { ConfigError, helpText, parseConfig } from "./src/config.ts";
import { Server } from "./src/server.ts";
import { MetricsBindError } from "./src/metrics/http.ts";
import { KEYVAL_VERSION } from "./src/version.ts";

/** An environment variable, or undefined when unset or when env access was not granted. */
function env(name: string): string | undefined {
  const granted = Deno.permissions.querySync({ name: "env", variable: name }).state === "granted";
  return granted ? Deno.env.get(name) : undefined;
}

let config;
try {
  config = parseConfig(Deno.args, {
    KEYVAL_BIND: env("KEYVAL_BIND"),
    METRICS_BIND: env("METRICS_BIND"),
  });
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`keyval: ${err.message}\nRun 'keyval --help' for the options.`);
  Deno.exit(2);
}
if (config === "help") {
  console.log(helpText());
  Deno.exit(0);
}

const server = new Server(config);
try {
  await server.start();
} catch (err) {
  console.error(
    err instanceof MetricsBindError
      ? `keyval: ${err.message}`
      : `keyval: cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`,
  );
  Deno.exit(1);
}
// Before the "listening" line, which tests wait for: both are then in the output together.
if (server.metrics) {
  const { host, port } = server.metrics;
  console.log(
    `keyval metrics on http://${host.includes(":") ? `[${host}]` : host}:${port}/metrics`,
  );
}
console.log(`keyval ${KEYVAL_VERSION} listening on ${config.host}:${server.port}`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`keyval: ${signal}, shutting down`);
  await server.shutdown();
  Deno.exit(0);
};
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => stop(signal));
}
