// List commands against a real keyval, over raw RESP (exact wire replies) and through two real
// clients (ioredis, node-redis). conformance_lists_test.ts compares the same ground with
// redis-server; blocking_test.ts covers waiting.
import assert from "node:assert/strict";
import { encodeCommand, RawClient, ReplyError } from "../helpers/raw.ts";
import { startServer } from "../helpers/server.ts";
import { ioredisClient, nodeRedisClient } from "../helpers/clients.ts";

const WRONGTYPE = new ReplyError(
  "WRONGTYPE Operation against a key holding the wrong kind of value",
);

/** Sends one command and reads the raw bytes of its reply (`n` of them). */
async function raw(c: RawClient, n: number, ...args: string[]): Promise<string> {
  await c.send(encodeCommand(args));
  return await c.readRaw(n);
}

Deno.test("list commands", async (t) => {
  const server = await startServer();
  const { port } = server;
  const c = await RawClient.connect(port);
  try {
    await t.step("wire replies of pops: nil bulk, nil array, empty array", async () => {
      assert.equal(await raw(c, 5, "LPOP", "none"), "$-1\r\n");
      assert.equal(await raw(c, 5, "RPOP", "none", "2"), "*-1\r\n");
      assert.equal(await raw(c, 5, "LMPOP", "1", "none", "LEFT"), "*-1\r\n");
      assert.equal(await raw(c, 4, "RPUSH", "l", "a"), ":1\r\n");
      assert.equal(await raw(c, 4, "LPOP", "l", "0"), "*0\r\n");
      assert.equal(await raw(c, 7, "LPOP", "l"), "$1\r\na\r\n");
      assert.equal(await raw(c, 4, "EXISTS", "l"), ":0\r\n");
      assert.equal(await raw(c, 5, "LINDEX", "none", "0"), "$-1\r\n");
      assert.equal(await raw(c, 5, "LPOS", "none", "x"), "$-1\r\n");
      assert.equal(await raw(c, 4, "LPOS", "none", "x", "COUNT", "0"), "*0\r\n");
      assert.equal(await raw(c, 5, "LMOVE", "none", "d", "LEFT", "LEFT"), "$-1\r\n");
    });

    await t.step("every command, with the list's contents after it", async () => {
      assert.equal(await c.call("RPUSH", "l", "b", "c"), 2);
      assert.equal(await c.call("LPUSH", "l", "a", "z"), 4);
      assert.deepEqual(await c.call("LRANGE", "l", "0", "-1"), ["z", "a", "b", "c"]);
      assert.equal(await c.call("LPUSHX", "l", "y"), 5);
      assert.equal(await c.call("RPUSHX", "l", "d", "e"), 7);
      assert.equal(await c.call("LPUSHX", "none", "y"), 0);
      assert.equal(await c.call("LLEN", "l"), 7);
      assert.equal(await c.call("LINDEX", "l", "-1"), "e");
      assert.equal(await c.call("LSET", "l", "0", "Y"), "OK");
      assert.equal(await c.call("LINSERT", "l", "AFTER", "Y", "new"), 8);
      assert.deepEqual(await c.call("LPOS", "l", "b", "COUNT", "0"), [4]);
      assert.equal(await c.call("LREM", "l", "0", "new"), 1);
      assert.equal(await c.call("LTRIM", "l", "1", "-2"), "OK");
      assert.deepEqual(await c.call("LRANGE", "l", "0", "-1"), ["z", "a", "b", "c", "d"]);
      assert.deepEqual(await c.call("LPOP", "l", "2"), ["z", "a"]);
      assert.deepEqual(await c.call("RPOP", "l", "1"), ["d"]);
      assert.equal(await c.call("LMOVE", "l", "m", "LEFT", "RIGHT"), "b");
      assert.equal(await c.call("RPOPLPUSH", "l", "m"), "c");
      assert.equal(await c.call("EXISTS", "l"), 0);
      assert.deepEqual(await c.call("LMPOP", "2", "l", "m", "RIGHT", "COUNT", "5"), [
        "m",
        ["b", "c"],
      ]);
      assert.equal(await c.call("EXISTS", "m"), 0);
      assert.equal(await c.call("RPUSH", "bl", "1", "2"), 2);
      assert.deepEqual(await c.call("BLPOP", "none", "bl", "0"), ["bl", "1"]);
      assert.deepEqual(await c.call("BRPOP", "bl", "0"), ["bl", "2"]);
      assert.equal(await c.call("RPUSH", "bl", "1", "2", "3"), 3);
      assert.equal(await c.call("BLMOVE", "bl", "bm", "RIGHT", "LEFT", "0"), "3");
      assert.equal(await c.call("BRPOPLPUSH", "bl", "bm", "0"), "2");
      assert.deepEqual(await c.call("BLMPOP", "0", "1", "bm", "LEFT", "COUNT", "9"), [
        "bm",
        ["2", "3"],
      ]);
      assert.deepEqual(await c.call("LRANGE", "bl", "0", "-1"), ["1"]);
    });

    await t.step("emptied lists are deleted, whichever command empties them", async () => {
      const empties: string[][] = [
        ["LPOP", "e"],
        ["RPOP", "e", "5"],
        ["LREM", "e", "0", "x"],
        ["LTRIM", "e", "1", "0"],
        ["LMOVE", "e", "other", "LEFT", "LEFT"],
        ["RPOPLPUSH", "e", "other"],
        ["LMPOP", "1", "e", "LEFT"],
        ["BLPOP", "e", "0"],
        ["BLMPOP", "0", "1", "e", "RIGHT", "COUNT", "3"],
      ];
      for (const cmd of empties) {
        assert.equal(await c.call("RPUSH", "e", "x"), 1);
        await c.call(...cmd);
        assert.equal(await c.call("EXISTS", "e"), 0, cmd.join(" "));
      }
      assert.equal(await c.call("LLEN", "other"), 2);
    });

    await t.step("WRONGTYPE from every command on a string key", async () => {
      assert.equal(await c.call("SET", "s", "v"), "OK");
      const cmds: string[][] = [
        ["LPUSH", "s", "a"],
        ["RPUSH", "s", "a"],
        ["LPUSHX", "s", "a"],
        ["RPUSHX", "s", "a"],
        ["LPOP", "s"],
        ["RPOP", "s"],
        ["LLEN", "s"],
        ["LRANGE", "s", "0", "1"],
        ["LINDEX", "s", "0"],
        ["LSET", "s", "0", "a"],
        ["LINSERT", "s", "BEFORE", "a", "b"],
        ["LREM", "s", "0", "a"],
        ["LTRIM", "s", "0", "1"],
        ["LPOS", "s", "a"],
        ["LMOVE", "s", "d", "LEFT", "LEFT"],
        ["RPOPLPUSH", "s", "d"],
        ["LMPOP", "1", "s", "LEFT"],
        ["BLPOP", "s", "0"],
        ["BRPOP", "s", "0"],
        ["BLMOVE", "s", "d", "LEFT", "LEFT", "0"],
        ["BRPOPLPUSH", "s", "d", "0"],
        ["BLMPOP", "0", "1", "s", "LEFT"],
      ];
      for (const cmd of cmds) assert.deepEqual(await c.call(...cmd), WRONGTYPE, cmd.join(" "));
      assert.equal(await c.call("GET", "s"), "v");
      assert.equal(await c.call("EXISTS", "d"), 0);
    });

    await t.step("errors for bad options and arguments", async () => {
      const e = (m: string) => new ReplyError(m);
      assert.deepEqual(await c.call("RPUSH", "o", "a", "a"), 2);
      assert.deepEqual(
        await c.call("LPOP", "o", "-1"),
        e("ERR value is out of range, must be positive"),
      );
      assert.deepEqual(
        await c.call("LPOP", "o", "1", "2"),
        e("ERR wrong number of arguments for 'lpop' command"),
      );
      assert.deepEqual(
        await c.call("LPOS", "o", "a", "RANK", "0"),
        e(
          "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... " +
            "or use negative to start from the end of the list",
        ),
      );
      assert.deepEqual(
        await c.call("LPOS", "o", "a", "COUNT", "-1"),
        e("ERR COUNT can't be negative"),
      );
      assert.deepEqual(
        await c.call("LPOS", "o", "a", "MAXLEN", "-1"),
        e("ERR MAXLEN can't be negative"),
      );
      assert.deepEqual(await c.call("LPOS", "o", "a", "NOPE", "1"), e("ERR syntax error"));
      assert.deepEqual(await c.call("LSET", "o", "5", "x"), e("ERR index out of range"));
      assert.deepEqual(await c.call("LSET", "none", "0", "x"), e("ERR no such key"));
      assert.deepEqual(await c.call("LINSERT", "o", "NEAR", "a", "x"), e("ERR syntax error"));
      assert.deepEqual(await c.call("LMOVE", "o", "p", "UP", "LEFT"), e("ERR syntax error"));
      assert.deepEqual(
        await c.call("LMPOP", "0", "o", "LEFT"),
        e("ERR numkeys should be greater than 0"),
      );
      assert.deepEqual(
        await c.call("LMPOP", "1", "o", "LEFT", "COUNT", "0"),
        e("ERR count should be greater than 0"),
      );
      assert.deepEqual(
        await c.call("LRANGE", "o", "x", "1"),
        e("ERR value is not an integer or out of range"),
      );
      assert.deepEqual(
        await c.call("BLPOP", "o", "x"),
        e("ERR timeout is not a float or out of range"),
      );
      assert.deepEqual(await c.call("BLPOP", "o", "-1"), e("ERR timeout is negative"));
      assert.deepEqual(await c.call("LRANGE", "o", "0", "-1"), ["a", "a"]);
    });

    await t.step("binary elements, a long list, and COPY's independent copy", async () => {
      const bin = "\0\r\n\xff\x80 end";
      assert.equal(await c.call("RPUSH", "b", bin, ""), 2);
      assert.deepEqual(await c.call("LRANGE", "b", "0", "-1"), [bin, ""]);
      assert.equal(await c.call("LPOS", "b", bin), 0);
      assert.equal(await c.call("LREM", "b", "0", ""), 1);
      // 5000 elements in 10 pushes from both ends, then reads and edits in the middle.
      for (let i = 0; i < 5; i++) {
        const front = Array.from({ length: 500 }, (_, j) => `f${i * 500 + j}`);
        const back = Array.from({ length: 500 }, (_, j) => `b${i * 500 + j}`);
        await c.call("LPUSH", "big", ...front);
        await c.call("RPUSH", "big", ...back);
      }
      assert.equal(await c.call("LLEN", "big"), 5000);
      assert.equal(await c.call("LINDEX", "big", "0"), "f2499");
      assert.equal(await c.call("LINDEX", "big", "2500"), "b0");
      assert.equal(await c.call("LINDEX", "big", "-1"), "b2499");
      assert.equal(await c.call("LPOS", "big", "b1000"), 3500);
      assert.equal(await c.call("LSET", "big", "2500", "x".repeat(1000)), "OK");
      assert.equal(await c.call("LINSERT", "big", "BEFORE", "b1", "mid"), 5001);
      assert.deepEqual(await c.call("LRANGE", "big", "2499", "2502"), [
        "f0",
        "x".repeat(1000),
        "mid",
        "b1",
      ]);
      assert.equal(await c.call("COPY", "big", "big2"), 1);
      assert.equal(await c.call("LTRIM", "big2", "0", "9"), "OK");
      assert.equal(await c.call("LLEN", "big"), 5001);
      assert.equal(await c.call("LLEN", "big2"), 10);
      assert.equal(await c.call("TYPE", "big"), "list");
      assert.equal(await c.call("OBJECT", "ENCODING", "big"), "quicklist");
    });

    await t.step("npm:ioredis", async () => {
      const redis = ioredisClient(port);
      const blocker = ioredisClient(port);
      await redis.connect();
      await blocker.connect();
      try {
        assert.equal(await redis.rpush("io", "a", "b", "c", "b"), 4);
        assert.equal(await redis.lpush("io", "z"), 5);
        assert.deepEqual(await redis.lrange("io", 0, -1), ["z", "a", "b", "c", "b"]);
        assert.equal(await redis.lpos("io", "b", "RANK", -1), 4);
        assert.deepEqual(await redis.lpop("io", 2), ["z", "a"]);
        assert.equal(await redis.rpop("io"), "b");
        assert.equal(await redis.lmove("io", "io2", "LEFT", "RIGHT"), "b");
        assert.deepEqual(await redis.lmpop(2, "none", "io", "LEFT", "COUNT", 3), ["io", ["c"]]);
        assert.equal(await redis.exists("io"), 0);
        const waiting = blocker.blpop("ioq", 0);
        // The push may come before the block: BLPOP then finds the element at once.
        await redis.rpush("ioq", "w");
        assert.deepEqual(await waiting, ["ioq", "w"]);
        assert.equal(await blocker.brpop("none", 0.01), null);
        await assert.rejects(redis.lset("none", 0, "x"), /no such key/);
      } finally {
        redis.disconnect();
        blocker.disconnect();
      }
    });

    await t.step("npm:redis (node-redis)", async () => {
      const nr = nodeRedisClient(port);
      const errors: unknown[] = [];
      nr.on("error", (e) => errors.push(e));
      await nr.connect();
      try {
        assert.equal(await nr.rPush("nr", ["a", "b", "c"]), 3);
        assert.equal(await nr.lPush("nr", "z"), 4);
        assert.deepEqual(await nr.lRange("nr", 0, -1), ["z", "a", "b", "c"]);
        assert.equal(await nr.lLen("nr"), 4);
        assert.equal(await nr.lIndex("nr", 1), "a");
        assert.equal(await nr.lPos("nr", "c"), 3);
        assert.equal(await nr.lInsert("nr", "BEFORE", "c", "bc"), 5);
        assert.equal(await nr.lRem("nr", 0, "bc"), 1);
        assert.equal(await nr.lSet("nr", 0, "Z"), "OK");
        assert.equal(await nr.lTrim("nr", 0, 2), "OK");
        assert.equal(await nr.lPop("nr"), "Z");
        assert.equal(await nr.lMove("nr", "nr2", "RIGHT", "LEFT"), "b");
        assert.deepEqual(await nr.blPop("nr", 0), { key: "nr", element: "a" });
        assert.equal(await nr.exists("nr"), 0);
        assert.equal(await nr.blPop("nr", 0.01), null);
        assert.deepEqual(await nr.sendCommand(["LMPOP", "1", "nr2", "LEFT"]), ["nr2", ["b"]]);
      } finally {
        await nr.quit();
      }
      assert.deepEqual(errors, []);
    });
  } finally {
    c.close();
    await server.stop();
  }
});
