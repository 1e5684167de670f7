// Sorted set commands against keyval alone, with concrete expected replies: raw RESP bytes,
// options and errors, WRONGTYPE, keys deleted once emptied, the encoding switch, ZSCAN while the
// set changes, the blocking pops with several clients and timeouts, and the two npm clients
// (ioredis, node-redis). conformance_zsets_test.ts compares the same ground with redis-server.
import assert from "node:assert/strict";
import { RawClient, type Reply, ReplyError } from "../helpers/raw.ts";
import { withServer } from "../helpers/server.ts";
import { ioredisClient, nodeRedisClient } from "../helpers/clients.ts";

const err = (message: string) => new ReplyError(message);
const WRONGTYPE = err("WRONGTYPE Operation against a key holding the wrong kind of value");

/** Waits until INFO reports `n` blocked clients (the blocking commands have been taken in). */
async function blockedClients(c: RawClient, n: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const info = String(await c.call("INFO", "clients"));
    if (new RegExp(`^blocked_clients:${n}\\r?$`, "m").test(info)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never saw ${n} blocked clients`);
}

Deno.test("sorted sets over raw RESP, the blocking pops and both npm clients", async (t) => {
  await withServer(async ({ port }) => {
    const c = await RawClient.connect(port);
    const others: RawClient[] = [];
    const client = async () => {
      const o = await RawClient.connect(port);
      others.push(o);
      return o;
    };
    try {
      await t.step("scores go out as Redis 7.0 prints them, byte for byte", async () => {
        assert.deepEqual(await c.call("ZADD", "z", "0.1", "a", "1e20", "b", "-inf", "c"), 3);
        await c.send(
          "*5\r\n$6\r\nZRANGE\r\n$1\r\nz\r\n$1\r\n0\r\n$2\r\n-1\r\n$10\r\nWITHSCORES\r\n",
        );
        const wire = "*6\r\n$1\r\nc\r\n$4\r\n-inf\r\n$1\r\na\r\n$19\r\n0.10000000000000001\r\n" +
          "$1\r\nb\r\n$5\r\n1e+20\r\n";
        assert.deepEqual(await c.readRaw(wire.length), wire);
        assert.deepEqual(await c.call("ZINCRBY", "z", "0.2", "a"), "0.30000000000000004");
        assert.deepEqual(
          await c.call("ZADD", "z", "INCR", "inf", "c"),
          err("ERR resulting score is not a number (NaN)"),
        );
        assert.deepEqual(await c.call("ZSCORE", "z", "c"), "-inf");
      });

      await t.step("ZADD options, errors and ZINCRBY", async () => {
        assert.deepEqual(await c.call("ZADD", "o", "1", "a", "2", "b"), 2);
        assert.deepEqual(await c.call("ZADD", "o", "NX", "5", "a", "3", "c"), 1);
        assert.deepEqual(await c.call("ZADD", "o", "XX", "CH", "5", "a", "9", "zz"), 1);
        assert.deepEqual(await c.call("ZADD", "o", "GT", "CH", "4", "a", "6", "b"), 1);
        assert.deepEqual(await c.call("ZADD", "o", "LT", "CH", "1", "a", "7", "b"), 1);
        assert.deepEqual(await c.call("ZRANGE", "o", "0", "-1", "WITHSCORES"), [
          "a",
          "1",
          "c",
          "3",
          "b",
          "6",
        ]);
        assert.deepEqual(await c.call("ZADD", "o", "INCR", "GT", "-1", "a"), null);
        assert.deepEqual(await c.call("ZADD", "o", "INCR", "2", "a"), "3");
        assert.deepEqual(
          await c.call("ZADD", "o", "NX", "XX", "1", "a"),
          err("ERR XX and NX options at the same time are not compatible"),
        );
        assert.deepEqual(
          await c.call("ZADD", "o", "GT", "LT", "1", "a"),
          err("ERR GT, LT, and/or NX options at the same time are not compatible"),
        );
        assert.deepEqual(
          await c.call("ZADD", "o", "INCR", "1", "a", "2", "b"),
          err("ERR INCR option supports a single increment-element pair"),
        );
        assert.deepEqual(
          await c.call("ZADD", "o", "1", "a", "x", "b"),
          err("ERR value is not a valid float"),
        );
        assert.deepEqual(await c.call("ZSCORE", "o", "a"), "3", "a refused ZADD changes nothing");
        assert.deepEqual(await c.call("ZADD", "o", "1", "a", "2"), err("ERR syntax error"));
        assert.deepEqual(
          await c.call("ZADD", "o"),
          err("ERR wrong number of arguments for 'zadd' command"),
        );
        assert.deepEqual(await c.call("ZADD", "none", "XX", "1", "a"), 0);
        assert.deepEqual(await c.call("EXISTS", "none"), 0);
        assert.deepEqual(await c.call("ZINCRBY", "none", "2.5", "m"), "2.5");
        assert.deepEqual(
          await c.call("ZINCRBY", "none", "x", "m"),
          err("ERR value is not a valid float"),
        );
      });

      await t.step("score spellings, whole numbers read from the bytes among them", async () => {
        // Replies as redis-server 7.0 gives them.
        const cases: [string, string | ReplyError][] = [
          ["000000012345", "12345"], // redis-benchmark's ZADD score
          ["-000000000000007", "-7"],
          ["-0", "0"],
          ["999999999999999", "999999999999999"],
          ["-999999999999999", "-999999999999999"],
          ["1234567890123456", "1234567890123456"],
          ["9999999999999999", "10000000000000000"],
          ["1e3", "1000"],
          ["-", err("ERR value is not a valid float")],
          ["", err("ERR value is not a valid float")],
          ["12a", err("ERR value is not a valid float")],
          ["1-", err("ERR value is not a valid float")],
          [" 5", err("ERR value is not a valid float")],
          ["5 ", err("ERR value is not a valid float")],
        ];
        for (const [score, want] of cases) {
          const added = await c.call("ZADD", "spell", score, `m${score}`);
          if (want instanceof ReplyError) {
            assert.deepEqual(added, want, JSON.stringify(score));
          } else {
            assert.deepEqual(added, 1, JSON.stringify(score));
            assert.deepEqual(await c.call("ZSCORE", "spell", `m${score}`), want, score);
          }
        }
      });

      await t.step("ranges and their errors", async () => {
        const args = ["ZADD", "r"];
        for (let i = 0; i < 10; i++) args.push(String(i), `m${i}`);
        assert.deepEqual(await c.call(...args), 10);
        assert.deepEqual(await c.call("ZRANGE", "r", "(2", "5", "BYSCORE", "LIMIT", "1", "2"), [
          "m4",
          "m5",
        ]);
        assert.deepEqual(await c.call("ZRANGE", "r", "5", "(2", "BYSCORE", "REV"), [
          "m5",
          "m4",
          "m3",
        ]);
        assert.deepEqual(await c.call("ZRANGE", "r", "[m7", "+", "BYLEX"), ["m7", "m8", "m9"]);
        assert.deepEqual(await c.call("ZREVRANGE", "r", "0", "1"), ["m9", "m8"]);
        assert.deepEqual(await c.call("ZCOUNT", "r", "(1", "+inf"), 8);
        assert.deepEqual(await c.call("ZLEXCOUNT", "r", "-", "(m3"), 3);
        assert.deepEqual(
          await c.call("ZRANGEBYSCORE", "r", "x", "1"),
          err("ERR min or max is not a float"),
        );
        assert.deepEqual(
          await c.call("ZRANGEBYLEX", "r", "m", "+"),
          err("ERR min or max not valid string range item"),
        );
        assert.deepEqual(
          await c.call("ZRANGE", "r", "0", "1", "LIMIT", "0", "1"),
          err(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
          ),
        );
        assert.deepEqual(await c.call("ZRANGESTORE", "dst", "r", "0", "2"), 3);
        assert.deepEqual(await c.call("ZRANGE", "dst", "0", "-1"), ["m0", "m1", "m2"]);
        assert.deepEqual(await c.call("ZRANK", "r", "m3"), 3);
        assert.deepEqual(await c.call("ZREVRANK", "r", "m3"), 6);
        assert.deepEqual(await c.call("ZMSCORE", "r", "m1", "nope"), ["1", null]);
      });

      await t.step("WRONGTYPE on every command, and emptied keys are deleted", async () => {
        assert.deepEqual(await c.call("SET", "str", "v"), "OK");
        for (
          const cmd of [
            ["ZADD", "str", "1", "a"],
            ["ZSCORE", "str", "a"],
            ["ZRANGE", "str", "0", "-1"],
            ["ZPOPMIN", "str"],
            ["BZPOPMIN", "str", "0"],
            ["ZUNIONSTORE", "d", "1", "str"],
            ["ZSCAN", "str", "0"],
          ]
        ) assert.deepEqual(await c.call(...cmd), WRONGTYPE, cmd.join(" "));
        assert.deepEqual(await c.call("ZADD", "e", "1", "a", "2", "b"), 2);
        assert.deepEqual(await c.call("ZREM", "e", "a", "b"), 2);
        assert.deepEqual(await c.call("EXISTS", "e"), 0);
        assert.deepEqual(await c.call("ZADD", "e", "1", "a", "2", "b"), 2);
        assert.deepEqual(await c.call("ZPOPMAX", "e", "5"), ["b", "2", "a", "1"]);
        assert.deepEqual(await c.call("EXISTS", "e"), 0);
        assert.deepEqual(await c.call("ZADD", "e", "1", "a"), 1);
        assert.deepEqual(await c.call("ZREMRANGEBYSCORE", "e", "-inf", "+inf"), 1);
        assert.deepEqual(await c.call("EXISTS", "e"), 0);
        assert.deepEqual(await c.call("ZADD", "e", "1", "a"), 1);
        assert.deepEqual(await c.call("ZMPOP", "1", "e", "MIN"), ["e", [["a", "1"]]]);
        assert.deepEqual(await c.call("EXISTS", "e"), 0);
        assert.deepEqual(await c.call("ZINTERSTORE", "str", "2", "r", "nokey"), 0);
        assert.deepEqual(
          await c.call("EXISTS", "str"),
          0,
          "an empty result deletes the destination",
        );
      });

      await t.step("listpack up to 128 members of 64 bytes, then skiplist for good", async () => {
        const args = ["ZADD", "enc"];
        for (let i = 0; i < 128; i++) args.push(String(i), `e${i}`);
        await c.call(...args);
        assert.deepEqual(await c.call("OBJECT", "ENCODING", "enc"), "listpack");
        await c.call("ZADD", "enc", "1", "x".repeat(65));
        assert.deepEqual(await c.call("OBJECT", "ENCODING", "enc"), "skiplist");
        await c.call("ZREMRANGEBYRANK", "enc", "1", "-1");
        assert.deepEqual(await c.call("ZCARD", "enc"), 1);
        assert.deepEqual(await c.call("OBJECT", "ENCODING", "enc"), "skiplist");
        assert.deepEqual(await c.call("TYPE", "enc"), "zset");
      });

      await t.step(
        "ZSCAN returns every member present throughout, while the set changes",
        async () => {
          const args = ["ZADD", "scan"];
          for (let i = 0; i < 1000; i++) args.push(String(i % 37), `s${i}`);
          assert.deepEqual(await c.call(...args), 1000);
          const seen = new Map<string, string>();
          /** The round in which each member was last returned. */
          const seenIn = new Map<string, number>();
          let cursor = "0";
          let round = 0;
          do {
            const r = await c.call("ZSCAN", "scan", cursor, "COUNT", "25") as [string, string[]];
            cursor = r[0];
            for (let i = 0; i < r[1].length; i += 2) {
              seen.set(r[1][i], r[1][i + 1]);
              seenIn.set(r[1][i], round);
            }
            // Change the set under the cursor: new members, deleted ones, moved scores.
            await c.call("ZADD", "scan", "100", `new${round}`, "-5", "s999");
            await c.call("ZREM", "scan", `s${500 + round}`);
            round++;
          } while (cursor !== "0");
          for (let i = 0; i < 500; i++) assert.ok(seen.has(`s${i}`), `s${i} present throughout`);
          // The walk's order follows the per-process hash seed: s999 may come in the first
          // reply, before its score moves to -5 (999 % 37 = 0 until then).
          assert.deepEqual(
            seen.get("s999"),
            seenIn.get("s999") === 0 ? "0" : "-5",
            "s999 is seen with its score at that time",
          );
          assert.deepEqual(await c.call("ZSCAN", "scan", "424242"), err("ERR invalid cursor"));
          // A small set answers in one call whatever COUNT says.
          const small = await c.call("ZSCAN", "o", "0", "COUNT", "1") as [string, string[]];
          assert.deepEqual(small[0], "0");
          assert.deepEqual(small[1].length, 6);
        },
      );

      await t.step(
        "ZRANDMEMBER: distinct for a positive count, repeats for a negative",
        async () => {
          for (const key of ["o", "scan"]) {
            const size = await c.call("ZCARD", key) as number;
            const want = Math.min(50, size - 1);
            const distinct = await c.call(
              "ZRANDMEMBER",
              key,
              String(want),
              "WITHSCORES",
            ) as string[];
            assert.deepEqual(distinct.length, 2 * want);
            const members = distinct.filter((_, i) => i % 2 === 0);
            assert.deepEqual(new Set(members).size, want, `${key}: distinct members`);
            for (let i = 0; i < distinct.length; i += 2) {
              assert.deepEqual(await c.call("ZSCORE", key, distinct[i]), distinct[i + 1]);
            }
            const repeats = await c.call("ZRANDMEMBER", key, String(-3 * size)) as string[];
            assert.deepEqual(repeats.length, 3 * size);
            assert.ok(new Set(repeats).size < repeats.length, `${key}: picks repeat`);
            const all = await c.call("ZRANDMEMBER", key, String(size + 5)) as string[];
            assert.deepEqual(new Set(all).size, size, `${key}: a count past the size gives all`);
          }
        },
      );

      await t.step("blocked clients are served first come, first served", async () => {
        const waiters = [await client(), await client(), await client()];
        for (const w of waiters) {
          await w.send("*3\r\n$8\r\nBZPOPMIN\r\n$1\r\nq\r\n$1\r\n0\r\n");
          await blockedClients(c, others.indexOf(w) + 1);
        }
        assert.deepEqual(await c.call("ZADD", "q", "2", "b", "1", "a"), 2);
        assert.deepEqual(await waiters[0].reply(), ["q", "a", "1"]);
        assert.deepEqual(await waiters[1].reply(), ["q", "b", "2"]);
        await blockedClients(c, 1);
        assert.deepEqual(await c.call("EXISTS", "q"), 0);
        // A key of another type does not serve it; a sorted set stored by ZUNIONSTORE does.
        assert.deepEqual(await c.call("SET", "q", "v"), "OK");
        await blockedClients(c, 1);
        assert.deepEqual(await c.call("DEL", "q"), 1);
        assert.deepEqual(await c.call("ZADD", "src", "7", "u"), 1);
        assert.deepEqual(await c.call("ZUNIONSTORE", "q", "1", "src"), 1);
        assert.deepEqual(await waiters[2].reply(), ["q", "u", "7"]);
        await blockedClients(c, 0);
      });

      await t.step("BZPOPMAX and BZMPOP over several keys, and timeouts", async () => {
        const [w1, w2] = [await client(), await client()];
        await w1.send("*4\r\n$8\r\nBZPOPMAX\r\n$2\r\nk1\r\n$2\r\nk2\r\n$1\r\n0\r\n");
        await blockedClients(c, 1);
        await w2.send(
          "*8\r\n$6\r\nBZMPOP\r\n$1\r\n0\r\n$1\r\n2\r\n$2\r\nk3\r\n$2\r\nk2\r\n$3\r\nMAX\r\n$5\r\nCOUNT\r\n$1\r\n2\r\n",
        );
        await blockedClients(c, 2);
        assert.deepEqual(await c.call("ZADD", "k2", "1", "x", "2", "y", "3", "z"), 3);
        assert.deepEqual(await w1.reply(), ["k2", "z", "3"]);
        assert.deepEqual(await w2.reply(), ["k2", [["y", "2"], ["x", "1"]]]);
        assert.deepEqual(await c.call("EXISTS", "k2"), 0);
        assert.deepEqual(await c.call("BZPOPMIN", "nokey", "0.02"), null);
        assert.deepEqual(await c.call("BZMPOP", "0.02", "1", "nokey", "MIN"), null);
        assert.deepEqual(
          await c.call("BZPOPMIN", "k", "x"),
          err("ERR timeout is not a float or out of range"),
        );
        assert.deepEqual(await c.call("BZPOPMIN", "k", "-1"), err("ERR timeout is negative"));
        // A blocked client that goes away leaves nothing behind: the next ZADD keeps its member.
        const gone = await client();
        await gone.send("*3\r\n$8\r\nBZPOPMIN\r\n$4\r\ngone\r\n$1\r\n0\r\n");
        await blockedClients(c, 1);
        gone.close();
        others.splice(others.indexOf(gone), 1);
        await blockedClients(c, 0);
        assert.deepEqual(await c.call("ZADD", "gone", "1", "kept"), 1);
        assert.deepEqual(await c.call("ZCARD", "gone"), 1);
      });

      await t.step("npm:ioredis", async () => {
        const redis = ioredisClient(port);
        const blocker = ioredisClient(port);
        await redis.connect();
        await blocker.connect();
        try {
          assert.deepEqual(await redis.zadd("io", 1, "a", 2.5, "b", 3, "c"), 3);
          assert.deepEqual(await redis.zrange("io", 0, -1, "WITHSCORES"), [
            "a",
            "1",
            "b",
            "2.5",
            "c",
            "3",
          ]);
          assert.deepEqual(await redis.zrangebyscore("io", "(1", "+inf", "LIMIT", 0, 1), ["b"]);
          assert.deepEqual(await redis.zincrby("io", 0.5, "a"), "1.5");
          assert.deepEqual(await redis.zrank("io", "c"), 2);
          assert.deepEqual(await redis.zunionstore("io2", 2, "io", "io", "WEIGHTS", 1, 2), 3);
          assert.deepEqual(await redis.zscore("io2", "c"), "9");
          const popped = blocker.bzpopmin("ioq", 0);
          await blockedClients(c, 1);
          await redis.zadd("ioq", 4, "w");
          assert.deepEqual(await popped, ["ioq", "w", "4"]);
          assert.deepEqual(await redis.zpopmax("io", 2), ["c", "3", "b", "2.5"]);
          await assert.rejects(redis.zadd("io", "NX", "XX", 1, "a"), /XX and NX options/);
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
          assert.deepEqual(
            await nr.zAdd("nr", [{ score: 1, value: "a" }, { score: 2, value: "b" }]),
            2,
          );
          assert.deepEqual(await nr.zRangeWithScores("nr", 0, -1), [
            { value: "a", score: 1 },
            { value: "b", score: 2 },
          ]);
          assert.deepEqual(await nr.zScore("nr", "b"), 2);
          assert.deepEqual(await nr.zCard("nr"), 2);
          assert.deepEqual(await nr.zInterCard(["nr", "nr"]), 2);
          assert.deepEqual(await nr.zPopMin("nr"), { value: "a", score: 1 });
          const r: Reply = await nr.sendCommand(["ZRANDMEMBER", "nr", "-3"]) as Reply;
          assert.deepEqual(r, ["b", "b", "b"]);
          assert.deepEqual(await nr.bzPopMin("nothing", 0.02), null);
        } finally {
          await nr.quit();
        }
        assert.deepEqual(errors, []);
      });
    } finally {
      for (const o of others) o.close();
      c.close();
    }
  });
});
