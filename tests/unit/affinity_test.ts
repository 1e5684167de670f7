// bench/lib/affinity.ts: the CPU lists `deno task compare` hands to taskset.
import assert from "node:assert/strict";
import { bound, parseCpuList, splitCpus } from "../../bench/lib/affinity.ts";

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
