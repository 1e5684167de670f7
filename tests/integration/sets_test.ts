// Set commands over the wire: exact RESP bytes, random picks, the STORE commands' overwrite,
// SSCAN's guarantee while the set changes, the encodings and how SSCAN walks each, and the
// npm:ioredis and npm:redis clients.
import assert from "node:assert/strict";
import { type RawClient, ReplyError } from "../helpers/raw.ts";
import { withClient, withServer } from "../helpers/server.ts";
import { ioredisClient, nodeRedisClient } from "../helpers/clients.ts";

const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

/** Members m0..m(n-1). */
function members(n: number, prefix = "m"): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

const sortedReply = async (p: Promise<unknown>) => [...(await p) as string[]].sort();

/** Every member SSCAN returns, cursor 0 until 0, one member per call. */
async function scanAll(c: RawClient, key: string): Promise<string[]> {
  const seen: string[] = [];
  let cursor = "0";
  do {
    const [next, found] = await c.call("SSCAN", key, cursor, "COUNT", "1") as [string, string[]];
    seen.push(...found);
    cursor = next;
  } while (cursor !== "0");
  return seen;
}

Deno.test("set replies on the wire: RESP2 shapes, binary members, empty-key deletion", async () => {
  await withClient(async (c) => {
    await c.send("*4\r\n$4\r\nSADD\r\n$1\r\ns\r\n$3\r\nb\0\n\r\n$0\r\n\r\n");
    await c.expectRaw(":2\r\n");
    await c.send("*4\r\n$10\r\nSMISMEMBER\r\n$1\r\ns\r\n$3\r\nb\0\n\r\n$1\r\nz\r\n");
    await c.expectRaw("*2\r\n:1\r\n:0\r\n");
    await c.send("*2\r\n$4\r\nSPOP\r\n$2\r\nno\r\n");
    await c.expectRaw("$-1\r\n");
    await c.send("*3\r\n$4\r\nSPOP\r\n$2\r\nno\r\n$1\r\n2\r\n");
    await c.expectRaw("*0\r\n");
    await c.send("*3\r\n$5\r\nSSCAN\r\n$2\r\nno\r\n$1\r\n0\r\n");
    await c.expectRaw("*2\r\n$1\r\n0\r\n*0\r\n");
    assert.deepEqual(await sortedReply(c.call("SMEMBERS", "s")), ["", "b\0\n"]);
    assert.equal(await c.call("SREM", "s", "", "b\0\n"), 2);
    assert.equal(await c.call("EXISTS", "s"), 0);
    await c.call("SADD", "one", "x");
    assert.equal(await c.call("SPOP", "one"), "x");
    assert.equal(await c.call("EXISTS", "one"), 0);
    await c.call("SADD", "src", "x");
    assert.equal(await c.call("SMOVE", "src", "dst", "x"), 1);
    assert.equal(await c.call("EXISTS", "src"), 0);
    assert.deepEqual(await c.call("SMEMBERS", "dst"), ["x"]);
    assert.equal(await c.call("SET", "str", "v"), "OK");
    for (const args of [["SADD", "str", "a"], ["SCARD", "str"], ["SINTER", "dst", "str"]]) {
      assert.deepEqual(await c.call(...args), new ReplyError(WRONGTYPE));
    }
    assert.deepEqual(
      await c.call("SCARD"),
      new ReplyError("ERR wrong number of arguments for 'scard' command"),
    );
  });
});

Deno.test("SPOP and SRANDMEMBER: distinct picks for a positive count, repeats for a negative", async () => {
  await withClient(async (c) => {
    await c.call("SADD", "s", ...members(5));
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const picks = await c.call("SRANDMEMBER", "s", "3") as string[];
      assert.equal(new Set(picks).size, 3);
      for (const p of picks) seen.add(p);
    }
    assert.equal(seen.size, 5); // a member missed 100 times in a row: (2/5)^100
    const many = await c.call("SRANDMEMBER", "s", "-40") as string[];
    assert.equal(many.length, 40);
    assert.ok(many.every((m) => /^m[0-4]$/.test(m)));
    assert.deepEqual(await sortedReply(c.call("SRANDMEMBER", "s", "50")), members(5));
    // Popping everything, a few at a time, yields each member exactly once.
    await c.call("SADD", "big", ...members(1000));
    const popped: string[] = [];
    while (popped.length < 1000) popped.push(...await c.call("SPOP", "big", "7") as string[]);
    assert.deepEqual(popped.sort(), members(1000).sort());
    assert.equal(await c.call("EXISTS", "big"), 0);
  });
});

Deno.test("the STORE commands replace the destination whatever it held, TTL included", async () => {
  await withClient(async (c) => {
    await c.call("SADD", "a", "1", "2", "3");
    await c.call("SADD", "b", "2", "3", "4");
    await c.call("SET", "dst", "string", "EX", "100");
    assert.equal(await c.call("SINTERSTORE", "dst", "a", "b"), 2);
    assert.equal(await c.call("TYPE", "dst"), "set");
    assert.equal(await c.call("TTL", "dst"), -1);
    await c.call("HSET", "dst", "f", "v");
    assert.equal(await c.call("SUNIONSTORE", "dst", "a", "b"), 4);
    assert.deepEqual(await sortedReply(c.call("SMEMBERS", "dst")), ["1", "2", "3", "4"]);
    assert.equal(await c.call("SDIFFSTORE", "dst", "a", "b"), 1);
    assert.deepEqual(await c.call("SMEMBERS", "dst"), ["1"]);
    assert.equal(await c.call("SINTERSTORE", "dst", "a", "nokey"), 0);
    assert.equal(await c.call("EXISTS", "dst"), 0);
    // A source that is also the destination is read before it is replaced.
    assert.equal(await c.call("SDIFFSTORE", "a", "a", "b"), 1);
    assert.deepEqual(await c.call("SMEMBERS", "a"), ["1"]);
    assert.equal(await c.call("SINTERCARD", "2", "b", "b", "LIMIT", "2"), 2);
  });
});

Deno.test("SSCAN returns every member present throughout, while members come and go", async () => {
  await withClient(async (c) => {
    await c.call("SADD", "s", ...members(2000));
    const seen = new Set<string>();
    let cursor = "0";
    let calls = 0;
    do {
      const [next, found] = await c.call("SSCAN", "s", cursor, "COUNT", "40") as [
        string,
        string[],
      ];
      for (const m of found) seen.add(m);
      await c.call("SADD", "s", `new${calls}`);
      await c.call("SREM", "s", `m${1500 + calls}`);
      await c.call("SPOP", "s", "0");
      cursor = next;
      calls++;
    } while (cursor !== "0");
    assert.ok(calls > 10, "the scan took many calls");
    for (let i = 0; i < 1500; i++) assert.ok(seen.has(`m${i}`), `m${i} was seen`);
  });
});

Deno.test("encodings: intset while all members are integers, then hashtable (Redis 7.0)", async () => {
  await withClient(async (c) => {
    await c.call("SADD", "s", "1", "2", "-3");
    assert.equal(await c.call("OBJECT", "ENCODING", "s"), "intset");
    // An intset answers SSCAN in one call, in ascending order, as Redis does.
    assert.deepEqual(await c.call("SSCAN", "s", "0", "COUNT", "1"), ["0", ["-3", "1", "2"]]);
    await c.call("SADD", "s", "x");
    assert.equal(await c.call("OBJECT", "ENCODING", "s"), "hashtable");
    // A hashtable set is walked with a cursor, COUNT elements at a time.
    const [cursor, found] = await c.call("SSCAN", "s", "0", "COUNT", "1") as [string, string[]];
    assert.notEqual(cursor, "0");
    assert.equal(found.length, 1);
    assert.deepEqual((await scanAll(c, "s")).sort(), ["-3", "1", "2", "x"]);
  });
});

Deno.test("npm:ioredis and npm:redis drive the set commands", async () => {
  await withServer(async ({ port }) => {
    const io = ioredisClient(port);
    const node = nodeRedisClient(port);
    const errors: unknown[] = [];
    io.on("error", (e: unknown) => errors.push(e));
    node.on("error", (e) => errors.push(e));
    await io.connect();
    await node.connect();
    try {
      assert.equal(await io.sadd("tags", "a", "b", "c"), 3);
      assert.equal(await io.sismember("tags", "a"), 1);
      assert.deepEqual(await io.smismember("tags", "a", "z"), [1, 0]);
      assert.deepEqual((await io.smembers("tags")).sort(), ["a", "b", "c"]);
      assert.equal(await io.scard("tags"), 3);
      await io.sadd("other", "b", "c", "d");
      assert.deepEqual((await io.sinter("tags", "other")).sort(), ["b", "c"]);
      assert.deepEqual((await io.sunion("tags", "other")).sort(), ["a", "b", "c", "d"]);
      assert.deepEqual(await io.sdiff("tags", "other"), ["a"]);
      assert.equal(await io.sintercard(2, "tags", "other"), 2);
      const streamed: string[] = [];
      await new Promise<void>((resolve, reject) => {
        io.sscanStream("tags", { count: 1 }).on("data", (m: string[]) => streamed.push(...m))
          .on("end", resolve).on("error", reject);
      });
      assert.deepEqual(streamed.sort(), ["a", "b", "c"]);
      assert.equal((await io.spop("tags", 2)).length, 2);
      await assert.rejects(io.sadd("tags"), /wrong number of arguments/);

      assert.equal(await node.sAdd("n", ["1", "2", "3"]), 3);
      assert.deepEqual((await node.sMembers("n")).sort(), ["1", "2", "3"]);
      assert.equal(await node.sRem("n", "1"), 1);
      assert.equal(await node.sMove("n", "m", "2"), 1);
      assert.deepEqual(await node.sMembers("m"), ["2"]);
      assert.equal(await node.sUnionStore("u", ["n", "m"]), 2);
      const scanned: string[] = [];
      for await (const ms of node.sScanIterator("u")) scanned.push(...ms);
      assert.deepEqual(scanned.sort(), ["2", "3"]);
      assert.ok(["2", "3"].includes(await node.sRandMember("u") as string));
      assert.equal((await node.sRandMemberCount("u", -5)).length, 5);
      assert.equal(await node.sPop("m"), "2");
      assert.equal(await node.exists("m"), 0);
    } finally {
      io.disconnect();
      await node.quit();
    }
    assert.deepEqual(errors, []);
  });
});
