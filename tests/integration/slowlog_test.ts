// SLOWLOG and LATENCY against a real redis-server 7: the same requests on both, the same entries
// (arguments, truncation, client name and address), lengths, errors and help; then keyval's own
// limits (max len, -1), the latency monitor on a command that must take milliseconds, and
// LATENCY HISTOGRAM's shape.
import assert from "node:assert/strict";
import { encodeCommand, RawClient, type Reply, ReplyError } from "../helpers/raw.ts";
import { withClient } from "../helpers/server.ts";
import { ignore, startRedis } from "../helpers/differential.ts";
import { startServer } from "../helpers/server.ts";

/** A slowlog entry with the parts that differ between servers (id, time, µs) checked and cut. */
function entryParts(e: Reply, addr: string): [Reply, string] {
  assert.ok(Array.isArray(e) && e.length === 6, `entry ${JSON.stringify(e)}`);
  const [id, time, usec, args, entryAddr, name] = e;
  assert.equal(typeof id, "number");
  assert.ok(Math.abs((time as number) - Date.now() / 1000) < 60, "time is now, in seconds");
  assert.ok(Number.isInteger(usec) && (usec as number) >= 0);
  assert.equal(entryAddr, addr);
  return [args, name as string];
}

/** The client's own address as CLIENT INFO reports it. */
async function ownAddr(c: RawClient): Promise<string> {
  const info = await c.call("CLIENT", "INFO") as string;
  return /addr=(\S+)/.exec(info)![1];
}

const MSET_40: string[] = ["MSET"];
for (let i = 0; i < 20; i++) MSET_40.push(`k${i}`, `v${i}`);
const LONG = "x".repeat(200);

/** The requests both servers run with every command logged. */
const WORKLOAD: string[][] = [
  ["SET", "a", "1"],
  ["GET", "a"],
  MSET_40,
  ["SET", "long", LONG],
  ["CLIENT", "SETNAME", "tester"],
  ["GET", "a"],
  ["NOSUCHCOMMAND", "x"],
];

Deno.test({
  name: "SLOWLOG with every command logged: entries as redis-server makes them",
  ignore,
  async fn() {
    const redis = await startRedis();
    const keyval = await startServer(["--slowlog-log-slower-than", "0"]);
    const r = await RawClient.connect(redis.port);
    const k = await RawClient.connect(keyval.port);
    try {
      assert.equal(await r.call("CONFIG", "SET", "slowlog-log-slower-than", "0"), "OK");
      const replies: Record<string, Reply[]> = { redis: [], keyval: [] };
      for (const [name, c] of [["redis", r], ["keyval", k]] as const) {
        const out = replies[name];
        out.push(await c.call("SLOWLOG", "RESET"));
        // RESET itself ran after the log was emptied, so it is the one entry.
        out.push(await c.call("SLOWLOG", "LEN"));
        for (const req of WORKLOAD) out.push(await c.call(...req));
        out.push(await c.call("SLOWLOG", "LEN"));
        const addr = await ownAddr(c);
        const entries = await c.call("SLOWLOG", "GET", "-1") as Reply[];
        // Newest first, ids counting down by one.
        const ids = entries.map((e) => (e as Reply[])[0] as number);
        for (let i = 1; i < ids.length; i++) assert.equal(ids[i], ids[i - 1] - 1, name);
        out.push(entries.map((e) => entryParts(e, addr)) as unknown as Reply);
        out.push(((await c.call("SLOWLOG", "GET")) as Reply[]).length);
        out.push(((await c.call("SLOWLOG", "GET", "2")) as Reply[]).length);
        out.push(((await c.call("SLOWLOG", "GET", "0")) as Reply[]).length);
        for (
          const bad of [
            ["SLOWLOG", "GET", "x"],
            ["SLOWLOG", "GET", "-2"],
            ["SLOWLOG", "get", "1", "2"],
            ["SLOWLOG", "LEN", "1"],
            ["SLOWLOG", "FOO"],
            ["SLOWLOG"],
            ["LATENCY", "FOO"],
            ["LATENCY", "HISTORY"],
            ["LATENCY", "LATEST", "x"],
          ]
        ) {
          out.push(await c.call(...bad));
        }
        out.push(await c.call("SLOWLOG", "HELP"));
        out.push(await c.call("LATENCY", "LATEST"));
        out.push(await c.call("LATENCY", "HISTORY", "command"));
        out.push(await c.call("LATENCY", "RESET"));
        out.push(await c.call("LATENCY", "DOCTOR"));
        out.push(await c.call("LATENCY", "HISTOGRAM", "nosuch", "get|x"));
      }
      assert.deepEqual(replies.keyval, replies.redis);
      // The entries checked above hold the truncations; make sure they were really there.
      const entries = replies.keyval.find((x) =>
        Array.isArray(x) && x.length > 5 && Array.isArray(x[0])
      ) as unknown as [string[], string][];
      const mset = entries.find(([args]) => args[0] === "MSET")!;
      assert.equal(mset[0].length, 32);
      assert.equal(mset[0][31], "... (10 more arguments)");
      const long = entries.find(([args]) => args[1] === "long")!;
      assert.equal(long[0][2], "x".repeat(128) + "... (72 more bytes)");
      assert.equal(entries[0][1], "tester", "the client name of the newest entry");
    } finally {
      r.close();
      k.close();
      await keyval.stop();
      await redis.stop();
    }
  },
});

Deno.test("SLOWLOG keeps --slowlog-max-len entries, newest first", async () => {
  await withClient(async (c) => {
    for (let i = 0; i < 10; i++) await c.call("SET", `k${i}`, "v");
    assert.equal(await c.call("SLOWLOG", "LEN"), 3);
    const entries = await c.call("SLOWLOG", "GET") as Reply[][];
    // The LEN call is newest, then the last two SETs.
    assert.deepEqual(entries.map((e) => e[3]), [
      ["SLOWLOG", "LEN"],
      ["SET", "k9", "v"],
      ["SET", "k8", "v"],
    ]);
  }, ["--slowlog-log-slower-than", "0", "--slowlog-max-len", "3"]);
});

Deno.test("SLOWLOG logs nothing at -1, and sees every command of a pipelined batch at 0", async () => {
  await withClient(async (c) => {
    await c.call("SET", "a", "1");
    await c.call("DBSIZE");
    assert.equal(await c.call("SLOWLOG", "LEN"), 0);
  }, ["--slowlog-log-slower-than", "-1"]);
  await withClient(async (c) => {
    const batch = [];
    for (let i = 0; i < 20; i++) batch.push(...encodeCommand(["SET", `p${i}`, "x"]));
    await c.send(new Uint8Array(batch));
    await c.replies(20);
    assert.equal(await c.call("SLOWLOG", "LEN"), 20);
  }, ["--slowlog-log-slower-than", "0"]);
});

Deno.test("LATENCY: a command over the threshold is an event; LATEST, HISTORY, DOCTOR, RESET", async () => {
  await withClient(async (c) => {
    assert.match(await c.call("LATENCY", "DOCTOR") as string, /^Dave, no latency spike/);
    // 10,000 keys, loaded 1,000 a request, make KEYS * take well over a millisecond (~20 ms).
    const batch = [];
    for (let i = 0; i < 10; i++) {
      const args = ["MSET"];
      for (let j = 0; j < 1000; j++) args.push(`key:${i}:${j}`, "v");
      batch.push(...encodeCommand(args));
    }
    await c.send(new Uint8Array(batch));
    await c.replies(10);
    assert.equal((await c.call("KEYS", "*") as string[]).length, 10_000);
    const latest = await c.call("LATENCY", "LATEST") as Reply[][];
    const command = latest.find((e) => e[0] === "command");
    assert.ok(command, `a "command" event in ${JSON.stringify(latest)}`);
    const [, time, last, max] = command;
    assert.ok(Math.abs((time as number) - Date.now() / 1000) < 60);
    assert.ok((last as number) >= 1 && (max as number) >= (last as number));
    const history = await c.call("LATENCY", "HISTORY", "command") as number[][];
    assert.ok(history.length >= 1);
    assert.equal(history[history.length - 1][1], last);
    const doctor = await c.call("LATENCY", "DOCTOR") as string;
    assert.match(doctor, /^Dave, I have observed latency spikes/);
    assert.match(doctor, /\d+\. command: \d+ latency spikes \(average \d+ms/);
    assert.equal(await c.call("LATENCY", "RESET", "command", "nosuch"), 1);
    assert.equal(
      (await c.call("LATENCY", "LATEST") as Reply[][]).filter((e) => e[0] === "command").length,
      0,
    );
  }, ["--latency-monitor-threshold", "1"]);
});

Deno.test("LATENCY HISTOGRAM: calls and cumulative power-of-two buckets per command", async () => {
  await withClient(async (c) => {
    for (let i = 0; i < 5; i++) await c.call("SET", "k", "v");
    await c.call("CONFIG", "GET", "port");
    const reply = await c.call("LATENCY", "HISTOGRAM", "SET", "config|get", "nosuch") as Reply[];
    assert.equal(reply.length, 4);
    assert.equal(reply[0], "set");
    assert.equal(reply[2], "config|get");
    const [calls, n, label, buckets] = reply[1] as Reply[];
    assert.deepEqual([calls, n, label], ["calls", 5, "histogram_usec"]);
    const flat = buckets as number[];
    assert.ok(flat.length >= 2 && flat.length % 2 === 0);
    for (let i = 0; i < flat.length; i += 2) {
      assert.equal(Math.log2(flat[i]) % 1, 0, "bounds are powers of two");
      if (i > 0) assert.ok(flat[i] > flat[i - 2] && flat[i + 1] > flat[i - 1]);
    }
    assert.equal(flat[flat.length - 1], 5, "the last cumulative count is every call");
    // With no names: every command called so far.
    const all = await c.call("LATENCY", "HISTOGRAM") as Reply[];
    const names = all.filter((_, i) => i % 2 === 0);
    assert.ok(names.includes("set") && names.includes("config|get"));
    assert.ok(!(all[0] instanceof ReplyError));
  });
});

Deno.test("SLOWLOG shows HELLO's password as (redacted), as MONITOR does", async () => {
  await withClient(async (c) => {
    await c.call("HELLO", "2", "AUTH", "default", "s3cret");
    const [entry] = await c.call("SLOWLOG", "GET", "1") as Reply[][];
    assert.deepEqual(entry[3], ["HELLO", "2", "AUTH", "(redacted)", "(redacted)"]);
  }, ["--slowlog-log-slower-than", "0"]);
});

Deno.test("--latency-tracking no drops the histograms only: commandstats still time commands", async () => {
  await withClient(async (c) => {
    for (let i = 0; i < 20; i++) await c.call("GET", "k");
    const info = String(await c.call("INFO", "commandstats"));
    const usec = Number(/cmdstat_get:calls=20,usec=(\d+)/.exec(info)?.[1]);
    assert.ok(usec > 0, `GET's usec is counted: ${info}`);
    assert.deepEqual(await c.call("LATENCY", "HISTOGRAM", "GET"), []);
  }, ["--latency-tracking", "no"]);
});
