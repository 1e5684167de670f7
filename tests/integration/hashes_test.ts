// Hash commands over the wire: exact RESP bytes, random picks, HSCAN's guarantee while the hash
// changes, keyval's deliberate differences, and the npm:ioredis and npm:redis clients.
import assert from "node:assert/strict";
import { ReplyError } from "../helpers/raw.ts";
import { withClient, withServer } from "../helpers/server.ts";
import { ioredisClient, nodeRedisClient } from "../helpers/clients.ts";

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

/** HSET args for fields f0..f(n-1) with values v0..v(n-1). */
function pairs(n: number): string[] {
  return Array.from({ length: n }, (_, i) => [`f${i}`, `v${i}`]).flat();
}

Deno.test("hash replies on the wire: RESP2 shapes, binary fields, empty-key deletion", async () => {
  await withClient(async (c) => {
    await c.send("*6\r\n$4\r\nHSET\r\n$1\r\nh\r\n$1\r\na\r\n$1\r\n1\r\n$3\r\nb\0\n\r\n$0\r\n\r\n");
    await c.expectRaw(":2\r\n");
    await c.send("*2\r\n$7\r\nHGETALL\r\n$1\r\nh\r\n");
    await c.expectRaw("*4\r\n$1\r\na\r\n$1\r\n1\r\n$3\r\nb\0\n\r\n$0\r\n\r\n");
    await c.send("*4\r\n$5\r\nHMGET\r\n$1\r\nh\r\n$2\r\nzz\r\n$1\r\na\r\n");
    await c.expectRaw("*2\r\n$-1\r\n$1\r\n1\r\n");
    await c.send("*2\r\n$10\r\nHRANDFIELD\r\n$2\r\nno\r\n");
    await c.expectRaw("$-1\r\n");
    await c.send("*3\r\n$5\r\nHSCAN\r\n$2\r\nno\r\n$1\r\n0\r\n");
    await c.expectRaw("*2\r\n$1\r\n0\r\n*0\r\n");
    // WITHVALUES in RESP2 is one flat array of field, value, field, value...
    assert.deepEqual(
      await c.call("HRANDFIELD", "h", "-3", "WITHVALUES").then((r) => {
        const a = r as string[];
        return a.length === 6 && a.every((x, i) => i % 2 === 1 || x === "a" || x === "b\0\n");
      }),
      true,
    );
    assert.equal(await c.call("HDEL", "h", "a", "b\0\n"), 2);
    assert.equal(await c.call("EXISTS", "h"), 0);
    assert.equal(await c.call("HSET", "h", "x", "1"), 1);
    assert.deepEqual(
      await c.call("HGET", "h"),
      new ReplyError(
        "ERR wrong number of arguments for 'hget' command",
      ),
    );
    assert.equal(await c.call("SET", "str", "v"), "OK");
    assert.deepEqual(await c.call("HGET", "str", "f"), new ReplyError(WRONGTYPE));
    assert.deepEqual(await c.call("HSET", "str", "f", "v"), new ReplyError(WRONGTYPE));
    assert.equal(await c.call("GET", "str"), "v");
  });
});

Deno.test("HINCRBYFLOAT adds long doubles, printed with 17 decimals as Redis does", async () => {
  await withClient(async (c) => {
    assert.equal(await c.call("HINCRBYFLOAT", "h", "f", "0.1"), "0.1");
    assert.equal(await c.call("HINCRBYFLOAT", "h", "f", "0.2"), "0.3");
    // Past 10^3 or so a long double's binary error shows in 17 decimals (Redis 7.0.15).
    assert.equal(await c.call("HINCRBYFLOAT", "h", "f", "5000.00001"), "5000.30000999999999989");
    assert.equal(await c.call("HGET", "h", "f"), "5000.30000999999999989");
    assert.equal(await c.call("HINCRBY", "h", "n", "-3"), -3);
    assert.deepEqual(
      await c.call("HINCRBY", "h", "f", "1"),
      new ReplyError("ERR hash value is not an integer"),
    );
  });
});

Deno.test("HRANDFIELD: distinct picks for a positive count, repeats allowed for a negative", async () => {
  await withClient(async (c) => {
    await c.call("HSET", "h", ...pairs(5));
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const picks = await c.call("HRANDFIELD", "h", "2", "WITHVALUES") as string[];
      assert.equal(picks.length, 4);
      assert.notEqual(picks[0], picks[2]);
      assert.equal(picks[1], "v" + picks[0].slice(1));
      seen.add(picks[0]).add(picks[2]);
    }
    assert.equal(seen.size, 5); // a field missed 100 times in a row: (3/5)^100
    const many = await c.call("HRANDFIELD", "h", "-50") as string[];
    assert.equal(many.length, 50);
    assert.ok(new Set(many).size <= 5);
    assert.deepEqual(await c.call("HRANDFIELD", "h", "9"), ["f0", "f1", "f2", "f3", "f4"]);
    assert.equal(await c.call("HLEN", "h"), 5);
  });
});

Deno.test("HSCAN returns every field present throughout, while fields come and go", async () => {
  await withClient(async (c) => {
    await c.call("HSET", "h", ...pairs(2000));
    assert.equal(await c.call("OBJECT", "ENCODING", "h"), "hashtable");
    const seen = new Map<string, string>();
    let cursor = "0";
    let calls = 0;
    do {
      const [next, found] = await c.call("HSCAN", "h", cursor, "COUNT", "50") as [
        string,
        string[],
      ];
      for (let i = 0; i < found.length; i += 2) seen.set(found[i], found[i + 1]);
      // Meanwhile: new fields arrive and fields 1500.. leave, some before they are reached.
      await c.call("HSET", "h", `new${calls}`, "x");
      await c.call("HDEL", "h", `f${1500 + calls}`);
      cursor = next;
      calls++;
    } while (cursor !== "0");
    assert.ok(calls > 10, "the scan took many calls");
    for (let i = 0; i < 1500; i++) assert.equal(seen.get(`f${i}`), `v${i}`);
    // A cursor belongs to the hash it walks.
    const [mid] = await c.call("HSCAN", "h", "0", "COUNT", "5") as [string, unknown];
    await c.call("HSET", "other", ...pairs(600));
    assert.deepEqual(await c.call("HSCAN", "other", mid), new ReplyError("ERR invalid cursor"));
  });
});

Deno.test("HSCAN gives a small (listpack) hash whole in one call, whatever the cursor", async () => {
  await withClient(async (c) => {
    await c.call("HSET", "h", "a", "1", "b", "2", "ab", "3");
    assert.deepEqual(await c.call("HSCAN", "h", "0", "COUNT", "1"), [
      "0",
      ["a", "1", "b", "2", "ab", "3"],
    ]);
    assert.deepEqual(await c.call("HSCAN", "h", "12345", "MATCH", "a*"), [
      "0",
      ["a", "1", "ab", "3"],
    ]);
    assert.deepEqual(
      await c.call("HSCAN", "h", "0", "NOVALUES"),
      new ReplyError("ERR syntax error"),
    );
  });
});

Deno.test("npm:ioredis and npm:redis drive the hash commands", async () => {
  await withServer(async ({ port }) => {
    const io = ioredisClient(port);
    const node = nodeRedisClient(port);
    const errors: unknown[] = [];
    io.on("error", (e: unknown) => errors.push(e));
    node.on("error", (e) => errors.push(e));
    await io.connect();
    await node.connect();
    try {
      assert.equal(await io.hset("user:1", { name: "ada", age: "36" }), 2);
      assert.deepEqual(await io.hgetall("user:1"), { name: "ada", age: "36" });
      assert.equal(await io.hincrby("user:1", "age", 1), 37);
      assert.equal(await io.hincrbyfloat("user:1", "score", "2.5"), "2.5");
      assert.deepEqual(await io.hmget("user:1", "name", "nope"), ["ada", null]);
      assert.equal(await io.hsetnx("user:1", "name", "bob"), 0);
      assert.deepEqual(await io.hkeys("user:1"), ["name", "age", "score"]);
      const streamed: string[] = [];
      await new Promise<void>((resolve, reject) => {
        io.hscanStream("user:1", { count: 1 }).on("data", (kv: string[]) => streamed.push(...kv))
          .on("end", resolve).on("error", reject);
      });
      assert.deepEqual(streamed, ["name", "ada", "age", "37", "score", "2.5"]);
      await assert.rejects(io.call("HGET", "user:1"), /wrong number of arguments/);

      assert.equal(await node.hSet("h2", { a: "1", b: "2" }), 2);
      assert.deepEqual({ ...await node.hGetAll("h2") }, { a: "1", b: "2" });
      assert.equal(await node.hLen("h2"), 2);
      assert.equal(await node.hExists("h2", "a"), 1);
      assert.equal(await node.hStrLen("h2", "a"), 1);
      assert.deepEqual(await node.hVals("h2"), ["1", "2"]);
      const fields: string[] = [];
      for await (const entries of node.hScanIterator("h2")) {
        for (const e of entries) fields.push(e.field);
      }
      assert.deepEqual(fields.sort(), ["a", "b"]);
      const picked = await node.hRandFieldCount("h2", 5);
      assert.deepEqual([...picked].sort(), ["a", "b"]);
      assert.equal(await node.hDel("h2", ["a", "b"]), 2);
      assert.equal(await node.exists("h2"), 0);
    } finally {
      io.disconnect();
      await node.quit();
    }
    assert.deepEqual(errors, []);
  });
});
