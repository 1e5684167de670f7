// /metrics over HTTP from a real server: seed 002's series move with the commands run, pipelined
// fast commands are all timed, promtool accepts the text (and monitoring/prometheus.yml), and the
// endpoint can be moved, turned off, and refuses to start on an address in use.
import assert from "node:assert/strict";
import { encodeCommand, RawClient } from "../helpers/raw.ts";
import { startServer, type TestServer, withServer } from "../helpers/server.ts";

const PROMETHEUS_YML = new URL("../../monitoring/prometheus.yml", import.meta.url).pathname;

async function scrape(server: TestServer, path = "/metrics"): Promise<Response> {
  assert.ok(server.metricsPort, `the server printed its metrics port:\n${server.output()}`);
  return await fetch(`http://127.0.0.1:${server.metricsPort}${path}`);
}

async function metricsText(server: TestServer): Promise<string> {
  const res = await scrape(server);
  assert.equal(res.status, 200);
  return await res.text();
}

/** The value of one sample, e.g. `keyval_cmd_total{cmd="SET"}`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  for (const line of text.split("\n")) {
    if (line.startsWith(series + " ")) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

/** Runs promtool with `args`, `input` on stdin; returns its exit code and output. */
async function promtool(args: string[], input = ""): Promise<{ code: number; out: string }> {
  let child;
  try {
    child = new Deno.Command("promtool", {
      args,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new Error("promtool is not installed: apt-get install prometheus (.ci/run does)");
    }
    throw err;
  }
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  const d = new TextDecoder();
  return { code, out: d.decode(stdout) + d.decode(stderr) };
}

Deno.test("/metrics: seed 002's series follow the commands run, and promtool accepts them", async () => {
  await withServer(async (server) => {
    const c = await RawClient.connect(server.port);
    try {
      assert.equal(await c.call("SET", "k1", "v"), "OK");
      assert.equal(await c.call("SET", "k2", "v"), "OK");
      assert.equal(await c.call("GET", "k1"), "v");
      assert.equal(await c.call("GET", "missing"), null);
      await c.call("NOSUCHCOMMAND");
      await c.call("INCR", "k1");
      // 50 pipelined SETs in one write: fast commands sharing a batch are all timed.
      const batch = [];
      for (let i = 0; i < 50; i++) batch.push(encodeCommand(["SET", `p${i}`, "x"]));
      await c.send(new Uint8Array(batch.flatMap((b) => [...b])));
      await c.replies(50);

      const text = await metricsText(server);
      assert.equal(sample(text, "keyval_active_connections"), 1);
      assert.equal(sample(text, 'keyval_cmd_total{cmd="SET"}'), 52);
      assert.equal(sample(text, 'keyval_cmd_total{cmd="GET"}'), 2);
      assert.equal(sample(text, 'keyval_cmd_latency_seconds_count{cmd="SET"}'), 52);
      assert.equal(sample(text, 'keyval_cmd_latency_seconds_bucket{cmd="SET",le="+Inf"}'), 52);
      assert.ok(sample(text, 'keyval_cmd_latency_seconds_sum{cmd="SET"}')! > 0);
      assert.equal(sample(text, "keyval_keys_count"), 52);
      assert.equal(sample(text, "keyval_keys"), 52);
      assert.equal(sample(text, "keyval_keyspace_hits_total"), 1, "GET k1 (writes do not count)");
      assert.equal(sample(text, "keyval_keyspace_misses_total"), 1);
      assert.equal(sample(text, 'keyval_errors_total{type="ERR"}'), 2, "unknown command, INCR");
      assert.equal(sample(text, "keyval_connections_accepted_total"), 1);
      assert.equal(sample(text, "keyval_connections_rejected_total"), 0);
      assert.ok(sample(text, "keyval_net_input_bytes_total")! > 50 * 20);
      assert.ok(sample(text, "keyval_net_output_bytes_total")! >= 50 * 5);
      assert.ok(sample(text, "process_resident_memory_bytes")! > 1e6);
      assert.ok(sample(text, "process_cpu_seconds_total")! > 0);
      assert.ok(sample(text, "keyval_memory_used_bytes")! > 0);
      assert.equal(sample(text, "keyval_expired_keys_total"), 0);

      const lint = await promtool(["check", "metrics"], text);
      assert.equal(lint.code, 0, `promtool check metrics:\n${lint.out}`);
    } finally {
      c.close();
    }
  }, ["--metrics-bind", "127.0.0.1:0"]);
});

Deno.test("promtool rejects a broken exposition, so the check above can fail", async () => {
  const bad = '# TYPE x_total counter\nx_total{a="1"} 1\nx_total{a="1"} 2\n';
  const lint = await promtool(["check", "metrics"], bad);
  assert.notEqual(lint.code, 0);
});

Deno.test("monitoring/prometheus.yml passes promtool check config", async () => {
  const r = await promtool(["check", "config", PROMETHEUS_YML]);
  assert.equal(r.code, 0, r.out);
});

Deno.test("/metrics answers with the text format's content type; other paths 404, POST 405", async () => {
  await withServer(
    async (server) => {
      const ok = await scrape(server);
      assert.equal(ok.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
      await ok.body?.cancel();
      const missing = await scrape(server, "/nope");
      assert.equal(missing.status, 404);
      await missing.body?.cancel();
      const post = await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`, {
        method: "POST",
      });
      assert.equal(post.status, 405);
      await post.body?.cancel();
    },
    [],
    { METRICS_BIND: "127.0.0.1:0" },
  );
});

Deno.test("--latency-tracking no: commands are counted, no latency histograms", async () => {
  await withServer(async (server) => {
    const c = await RawClient.connect(server.port);
    try {
      await c.call("SET", "a", "1");
      await c.call("GET", "a");
      const text = await metricsText(server);
      assert.equal(sample(text, 'keyval_cmd_total{cmd="SET"}'), 1);
      assert.doesNotMatch(text, /keyval_cmd_latency_seconds_count\{cmd="SET"\}/);
      assert.deepEqual(await c.call("LATENCY", "HISTOGRAM", "set"), []);
    } finally {
      c.close();
    }
  }, ["--metrics-bind", "127.0.0.1:0", "--latency-tracking", "no"]);
});

Deno.test("--metrics-bind off serves nothing; an address in use stops the start", async () => {
  await withServer((server) => {
    assert.equal(server.metricsPort, undefined);
    assert.doesNotMatch(server.output(), /metrics on/);
    return Promise.resolve();
  }, ["--metrics-bind", "off"]);

  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (taken.addr as Deno.NetAddr).port;
    let failed: Error | undefined;
    let server: TestServer | undefined;
    try {
      server = await startServer(["--metrics-bind", `127.0.0.1:${port}`]);
    } catch (err) {
      failed = err as Error;
    }
    if (server) await server.stop();
    assert.ok(failed, "the server must not start");
    assert.match(failed.message, /cannot serve metrics on 127\.0\.0\.1:\d+/);
  } finally {
    taken.close();
  }
});
