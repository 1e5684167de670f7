// bench/lib/affinity.ts: the CPU lists `deno task compare` hands to taskset.
import assert from "node:assert/strict";
import {
  bound,
  fastest,
  formatLoopMs,
  loopMs,
  parseCpuList,
  splitCpus,
} from "../../bench/lib/affinity.ts";

Deno.test("CPU lists parse as taskset writes them", () => {
  assert.deepEqual(parseCpuList("0,1"), [0, 1]);
  assert.deepEqual(parseCpuList(" 0-3,6\n"), [0, 1, 2, 3, 6]);
  assert.deepEqual(parseCpuList("5"), [5]);
  for (const bad of ["", "a", "3-1", "0,,1", "-1"]) {
    assert.throws(() => parseCpuList(bad), /not a CPU list/, bad);
  }
});

Deno.test("the servers get the last CPU and the client the rest; one CPU binds nothing", () => {
  assert.deepEqual(splitCpus([0, 1]), { servers: "1", client: "0" });
  assert.deepEqual(splitCpus([0, 1, 2, 3, 6]), { servers: "6", client: "0,1,2,3" });
  assert.equal(splitCpus([0]), undefined);
  assert.equal(splitCpus([]), undefined);
});

Deno.test("a bound command runs through taskset, which execs it", () => {
  assert.deepEqual(bound("redis-server", ["--port", "1"], "1"), [
    "taskset",
    ["-c", "1", "redis-server", "--port", "1"],
  ]);
  assert.deepEqual(bound("redis-server", ["--port", "1"], undefined), ["redis-server", [
    "--port",
    "1",
  ]]);
});

Deno.test("each CPU's speed is the time of one fixed loop there", async () => {
  const [ms] = await loopMs([0]);
  // taskset comes with util-linux; where it is missing the time is unknown, not made up.
  if (ms !== undefined) assert.ok(ms > 0 && ms < 60_000, `${ms} ms`);
  assert.equal(formatLoopMs([0, 1], [611.6, undefined]), "CPU 0 612 ms, CPU 1 ? ms");
});

Deno.test("the servers get the CPU asked for, by default the last; the fastest is the lowest time", () => {
  assert.deepEqual(splitCpus([0, 1], 0), { servers: "0", client: "1" });
  assert.deepEqual(splitCpus([0, 1, 2], 1), { servers: "1", client: "0,2" });
  assert.equal(splitCpus([0, 1], 5), undefined);
  assert.equal(fastest([0, 1], [900, 400]), 1);
  assert.equal(fastest([0, 1, 2], [300, undefined, 500]), 0);
  assert.equal(fastest([0, 1], [undefined, undefined]), undefined);
});
