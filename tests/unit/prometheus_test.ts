// The Prometheus text rendering: escaping, histogram lines, and a whole server's families, each
// with HELP and TYPE and seed 002's names.
import assert from "node:assert/strict";
import {
  labelValue,
  MetricsText,
  renderMetrics,
  sampleValue,
} from "../../src/metrics/prometheus.ts";
import { LatencyHistogram } from "../../src/metrics/histogram.ts";
import { Server } from "../../src/server.ts";
import { defaultConfig } from "../../src/config.ts";

Deno.test("label values escape backslash, quote and line feed", () => {
  assert.equal(labelValue('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
  assert.equal(labelValue("WRONGTYPE"), "WRONGTYPE");
});

Deno.test("sample values print infinities the Prometheus way", () => {
  assert.equal(sampleValue(Infinity), "+Inf");
  assert.equal(sampleValue(-Infinity), "-Inf");
  assert.equal(sampleValue(NaN), "NaN");
  assert.equal(sampleValue(0.25), "0.25");
  assert.equal(sampleValue(12), "12");
});

Deno.test("a histogram renders cumulative buckets in seconds, +Inf, sum and count", () => {
  const h = new LatencyHistogram();
  h.recordMany(1.5, 3); // le 2 µs
  h.record(3000); // le 4096 µs
  const text = new MetricsText()
    .family("x_seconds", "histogram", "A test.")
    .histogram("x_seconds", h, 'cmd="GET"')
    .toString();
  const lines = text.trim().split("\n");
  assert.equal(lines[0], "# HELP x_seconds A test.");
  assert.equal(lines[1], "# TYPE x_seconds histogram");
  assert.ok(lines.includes('x_seconds_bucket{cmd="GET",le="0.000001"} 0'));
  assert.ok(lines.includes('x_seconds_bucket{cmd="GET",le="0.000002"} 3'));
  assert.ok(lines.includes('x_seconds_bucket{cmd="GET",le="0.002048"} 3'));
  assert.ok(lines.includes('x_seconds_bucket{cmd="GET",le="0.004096"} 4'));
  assert.ok(lines.includes('x_seconds_bucket{cmd="GET",le="8.388608"} 4'));
  assert.ok(lines.includes('x_seconds_bucket{cmd="GET",le="+Inf"} 4'));
  assert.ok(lines.includes('x_seconds_sum{cmd="GET"} 0.0030045'));
  assert.ok(lines.includes('x_seconds_count{cmd="GET"} 4'));
  // 24 finite buckets and +Inf, never decreasing.
  const buckets = lines.filter((l) => l.includes("_bucket")).map((l) => Number(l.split(" ")[1]));
  assert.equal(buckets.length, 25);
  for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i] >= buckets[i - 1]);
});

Deno.test("a server's metrics: every family has HELP and TYPE, with seed 002's names", () => {
  const server = new Server(defaultConfig({ port: 0, metricsBind: null }));
  const set = server.commands.byName.get("set")!;
  set.calls = 3;
  set.latency.recordMany(2, 3);
  server.stats.errorTypes.set("WRONGTYPE", 2);
  server.keyspace.set("k", "v");
  const text = renderMetrics(server);
  assert.ok(text.endsWith("\n"));
  const helped = new Set<string>();
  const typed = new Map<string, string>();
  for (const line of text.split("\n")) {
    let m;
    if ((m = /^# HELP (\S+) \S/.exec(line))) helped.add(m[1]);
    else if ((m = /^# TYPE (\S+) (\S+)$/.exec(line))) typed.set(m[1], m[2]);
    else if (line !== "") {
      const name = /^([a-z_]+)/.exec(line)![1];
      const family = typed.has(name) ? name : name.replace(/_(bucket|sum|count)$/, "");
      assert.ok(typed.has(family), `sample ${line} has a TYPE line`);
      assert.ok(helped.has(family), `sample ${line} has a HELP line`);
    }
  }
  for (
    const [name, type] of [
      ["keyval_active_connections", "gauge"],
      ["keyval_cmd_total", "counter"],
      ["keyval_cmd_latency_seconds", "histogram"],
      ["keyval_keys_count", "untyped"],
      ["keyval_keys", "gauge"],
      ["process_resident_memory_bytes", "gauge"],
      ["process_cpu_seconds_total", "counter"],
      ["keyval_connections_accepted_total", "counter"],
      ["keyval_connections_rejected_total", "counter"],
      ["keyval_keyspace_hits_total", "counter"],
      ["keyval_keyspace_misses_total", "counter"],
      ["keyval_expired_keys_total", "counter"],
      ["keyval_net_input_bytes_total", "counter"],
      ["keyval_net_output_bytes_total", "counter"],
      ["keyval_errors_total", "counter"],
      ["keyval_memory_used_bytes", "gauge"],
    ]
  ) {
    assert.equal(typed.get(name), type, name);
  }
  assert.match(text, /^keyval_cmd_total\{cmd="SET"\} 3$/m);
  assert.match(text, /^keyval_cmd_latency_seconds_count\{cmd="SET"\} 3$/m);
  assert.match(text, /^keyval_keys_count 1$/m);
  assert.match(text, /^keyval_errors_total\{type="WRONGTYPE"\} 2$/m);
  assert.doesNotMatch(text, /cmd="GET"/, "commands never called are left out");
});
