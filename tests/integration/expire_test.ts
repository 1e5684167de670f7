// TTL commands against keyval alone, with concrete expected replies: setting, reading and
// removing expiry times, keys that expire lazily and through the janitor, exact far-future
// times, and the STATS counters (ttl, expire, dels, expired_removed) they move.
import assert from "node:assert/strict";
import { ReplyError } from "../helpers/raw.ts";
import { readStats as stats, withClient } from "../helpers/server.ts";

const err = (message: string) => new ReplyError(message);
const NOT_INTEGER = err("ERR value is not an integer or out of range");
const FUTURE_MS = 32503680000123; // 3000-01-01T00:00:00.123Z

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("EXPIRE family, TTL family and PERSIST on a live key", async () => {
  await withClient(async (c) => {
    assert.equal(await c.call("TTL", "missing"), -2);
    assert.equal(await c.call("PTTL", "missing"), -2);
    assert.equal(await c.call("EXPIRETIME", "missing"), -2);
    assert.equal(await c.call("PEXPIRETIME", "missing"), -2);
    assert.equal(await c.call("EXPIRE", "missing", "100"), 0);
    assert.equal(await c.call("PERSIST", "missing"), 0);
    assert.equal(await c.call("SET", "k", "v"), "OK");
    assert.equal(await c.call("TTL", "k"), -1);
    assert.equal(await c.call("PTTL", "k"), -1);
    assert.equal(await c.call("EXPIRETIME", "k"), -1);
    assert.equal(await c.call("PERSIST", "k"), 0);
    assert.equal(await c.call("EXPIRE", "k", "100"), 1);
    assert.equal(await c.call("TTL", "k"), 100);
    const pttl = await c.call("PTTL", "k") as number;
    assert.ok(pttl > 90_000 && pttl <= 100_000, `PTTL ${pttl} is about 100 s`);
    assert.equal(await c.call("PEXPIRE", "k", "250000"), 1);
    assert.equal(await c.call("TTL", "k"), 250);
    assert.equal(await c.call("EXPIREAT", "k", "32503680000"), 1);
    assert.equal(await c.call("EXPIRETIME", "k"), 32503680000);
    assert.equal(await c.call("PEXPIRETIME", "k"), 32503680000000);
    assert.equal(await c.call("PEXPIREAT", "k", String(FUTURE_MS)), 1);
    assert.equal(await c.call("PEXPIRETIME", "k"), FUTURE_MS);
    assert.equal(await c.call("EXPIRETIME", "k"), 32503680000, "rounded to the nearest second");
    assert.equal(await c.call("PEXPIREAT", "k", "32503680000500"), 1);
    assert.equal(await c.call("EXPIRETIME", "k"), 32503680001);
    assert.equal(await c.call("PERSIST", "k"), 1);
    assert.equal(await c.call("TTL", "k"), -1);
    assert.equal(await c.call("GET", "k"), "v");
  });
});

Deno.test("EXPIRE NX, XX, GT, LT and their conflicts", async () => {
  await withClient(async (c) => {
    assert.equal(await c.call("SET", "k", "v"), "OK");
    assert.equal(await c.call("EXPIRE", "k", "100", "XX"), 0, "XX needs a TTL");
    assert.equal(await c.call("EXPIRE", "k", "100", "GT"), 0, "no TTL is infinite: GT fails");
    assert.equal(await c.call("EXPIRE", "k", "100", "LT"), 1, "no TTL is infinite: LT wins");
    assert.equal(await c.call("EXPIRE", "k", "200", "NX"), 0, "NX needs no TTL");
    assert.equal(await c.call("EXPIRE", "k", "200", "XX"), 1);
    assert.equal(await c.call("TTL", "k"), 200);
    assert.equal(await c.call("EXPIRE", "k", "100", "GT"), 0);
    assert.equal(await c.call("EXPIRE", "k", "300", "GT"), 1);
    assert.equal(await c.call("EXPIRE", "k", "400", "LT"), 0);
    assert.equal(await c.call("EXPIRE", "k", "150", "lt", "xx"), 1);
    assert.equal(await c.call("TTL", "k"), 150);
    assert.equal(await c.call("PERSIST", "k"), 1);
    assert.equal(await c.call("EXPIRE", "k", "50", "NX"), 1);
    assert.equal(await c.call("TTL", "k"), 50);
    const nxConflict = err("ERR NX and XX, GT or LT options at the same time are not compatible");
    assert.deepEqual(await c.call("EXPIRE", "k", "1", "NX", "XX"), nxConflict);
    assert.deepEqual(await c.call("EXPIRE", "k", "1", "GT", "NX"), nxConflict);
    assert.deepEqual(
      await c.call("PEXPIRE", "k", "1", "GT", "LT"),
      err("ERR GT and LT options at the same time are not compatible"),
    );
    assert.deepEqual(await c.call("EXPIRE", "k", "1", "SOON"), err("ERR Unsupported option SOON"));
    assert.equal(await c.call("TTL", "k"), 50, "refused options change nothing");
  });
});

Deno.test("EXPIRE, GETEX or SET to a time not in the future: the key is gone at once", async () => {
  await withClient(async (c) => {
    const cases = [
      ["EXPIRE", "-1"],
      ["EXPIRE", "0"],
      ["PEXPIRE", "-100"],
      ["PEXPIRE", "0"],
      ["EXPIREAT", "1"],
      ["PEXPIREAT", "0"],
      ["EXPIREAT", "-9223372036854775"],
      ["PEXPIREAT", "-9223372036854775808"],
    ];
    const before = await stats(c);
    for (const [command, time] of cases) {
      assert.equal(await c.call("SET", "k", "v", "EX", "100"), "OK");
      assert.equal(await c.call(command, "k", time), 1, `${command} k ${time}`);
      assert.equal(await c.call("EXISTS", "k"), 0, `${command} k ${time} deletes`);
      assert.equal(await c.call("TTL", "k"), -2);
    }
    // GETEX to a past time deletes too; SET to a past time stores a value that expires at once.
    assert.equal(await c.call("SET", "k", "v"), "OK");
    assert.equal(await c.call("GETEX", "k", "PXAT", "1"), "v");
    assert.equal(await c.call("EXISTS", "k"), 0);
    assert.equal(await c.call("SET", "k", "v", "EXAT", "1"), "OK");
    assert.equal(await c.call("SET", "never", "v", "PXAT", "1"), "OK");
    assert.equal(await c.call("EXISTS", "k", "never"), 0);
    const after = await stats(c);
    assert.equal(after.expire - before.expire, cases.length);
    // Redis propagates these as DEL: they are deletions, not expirations.
    assert.equal(after.dels - before.dels, cases.length + 1);
    assert.equal(after.expired_removed - before.expired_removed, 2);
    assert.equal(after.keys, 0);
  });
});

Deno.test("expire times: Redis's limits and errors, and exact times past 2^53 ms", async () => {
  await withClient(async (c) => {
    assert.equal(await c.call("SET", "k", "v"), "OK");
    for (const [command, time] of [["EXPIRE", "ten"], ["EXPIRE", "1.5"], ["PEXPIRE", ""]]) {
      assert.deepEqual(await c.call(command, "k", time), NOT_INTEGER, `${command} ${time}`);
    }
    const invalid = [
      ["expire", "9223372036854775807"],
      ["expire", "9223372036854776"],
      ["expire", "-9223372036854776"],
      ["expire", "9223372036854775"], // fits in ms, but not once the current time is added
      ["pexpire", "9223372036854775807"],
      ["expireat", "9223372036854776"],
    ];
    for (const [command, time] of invalid) {
      assert.deepEqual(
        await c.call(command, "k", time),
        err(`ERR invalid expire time in '${command}' command`),
        `${command} ${time}`,
      );
    }
    assert.equal(await c.call("TTL", "k"), -1, "refused times change nothing");
    // A number cannot hold these; the replies must still be exact 64-bit integers.
    assert.equal(await c.call("PEXPIREAT", "k", "9223372036854775807"), 1);
    assert.equal(await c.call("PEXPIRETIME", "k"), 9223372036854775807n);
    assert.equal(await c.call("EXPIRETIME", "k"), 9223372036854776n);
    assert.equal(await c.call("EXPIREAT", "k", "9223372036854775"), 1);
    assert.equal(await c.call("PEXPIRETIME", "k"), 9223372036854775000n);
    assert.equal(await c.call("PEXPIREAT", "k", "9007199254740993"), 1);
    assert.equal(await c.call("PEXPIRETIME", "k"), 9007199254740993n);
    assert.equal(await c.call("PEXPIREAT", "k", "9007199254740994", "GT"), 1);
    assert.equal(await c.call("PEXPIREAT", "k", "9007199254740993", "GT"), 0);
    assert.equal(await c.call("PEXPIRETIME", "k"), 9007199254740994n);
    assert.equal(await c.call("RENAME", "k", "r"), "OK");
    assert.equal(await c.call("PEXPIRETIME", "r"), 9007199254740994n);
    assert.equal(await c.call("PEXPIREAT", "r", "9223372036854775807"), 1);
    const pttl = await c.call("PTTL", "r");
    assert.equal(typeof pttl, "bigint", "a 64-bit PTTL");
    const elapsed = 9223372036854775807n - (pttl as bigint) - BigInt(Date.now());
    assert.ok(elapsed > -60_000n && elapsed < 60_000n, "PTTL is the time left");
    assert.equal(await c.call("SET", "s", "v", "PXAT", "9223372036854775807"), "OK");
    assert.equal(await c.call("PEXPIRETIME", "s"), 9223372036854775807n);
    assert.equal(await c.call("GETEX", "s", "PXAT", String(FUTURE_MS)), "v");
    assert.equal(await c.call("PEXPIRETIME", "s"), FUTURE_MS, "back to a plain number");
    assert.deepEqual(
      await c.call("SET", "s", "v", "PX", "9223372036854775807"),
      err("ERR invalid expire time in 'set' command"),
    );
  });
});

Deno.test("a short PX expires: the key reads as missing and STATS counts it", async () => {
  await withClient(async (c) => {
    assert.equal(await c.call("SET", "short", "v", "PX", "30"), "OK");
    assert.equal(await c.call("PSETEX", "short2", "30", "v"), "OK");
    assert.equal(await c.call("SET", "long", "v", "EX", "100"), "OK");
    assert.equal(await c.call("GET", "short"), "v");
    await sleep(60);
    assert.equal(await c.call("GET", "short"), null);
    assert.equal(await c.call("TTL", "short2"), -2);
    assert.equal(await c.call("GET", "long"), "v");
    const s = await stats(c);
    assert.equal(s.expired_removed, 2);
    assert.equal(s.dels, 0, "an expiry is not a deletion");
  }, ["--janitor-interval-ms", "60000"]);
});

Deno.test("the janitor removes expired keys nobody reads", async () => {
  await withClient(async (c) => {
    // The janitor is idle (one round a minute) while the keys are made, so however slowly this
    // machine runs, all 51 are still there to count; then it is set to run every 10 ms.
    for (let i = 0; i < 50; i++) assert.equal(await c.call("SET", `t${i}`, "v", "PX", "20"), "OK");
    assert.equal(await c.call("SET", "live", "v", "EX", "100"), "OK");
    assert.equal(await c.call("DBSIZE"), 51);
    await sleep(25); // the 20 ms TTLs have passed
    assert.equal(await c.call("CONFIG", "SET", "janitor-interval-ms", "10"), "OK");
    // Poll in short steps rather than sleep once: the test waits only as long as it needs.
    let size = 51;
    for (let i = 0; i < 250 && size > 1; i++) {
      await sleep(20);
      size = await c.call("DBSIZE") as number;
    }
    assert.equal(size, 1);
    const s = await stats(c);
    assert.equal(s.expired_removed, 50);
    assert.equal(s.keys_with_ttl, 1);
  }, ["--janitor-interval-ms", "60000"]);
});

Deno.test("STATS: ttl counts TTL reads, expire counts accepted EXPIRE commands", async () => {
  await withClient(async (c) => {
    assert.equal(await c.call("SET", "k", "v"), "OK");
    const before = await stats(c);
    await c.call("TTL", "k");
    await c.call("PTTL", "k");
    await c.call("EXPIRETIME", "missing");
    await c.call("PEXPIRETIME", "k");
    await c.call("EXPIRE", "k", "100");
    await c.call("PEXPIRE", "missing", "100"); // accepted, though there is no key
    await c.call("EXPIREAT", "k", "32503680000", "GT");
    await c.call("EXPIRE", "k", "abc"); // refused: not counted
    await c.call("EXPIRE", "k", "1", "NX", "XX"); // refused: not counted
    const after = await stats(c);
    assert.equal(after.ttl - before.ttl, 4);
    assert.equal(after.expire - before.expire, 3);
    assert.equal(after.hits - before.hits, 3, "TTL reads of live keys are hits");
    assert.equal(after.misses - before.misses, 1);
  });
});

Deno.test("SET EX/PX, SETEX and PSETEX from the request's bytes: new keys, old keys, any TTL", async () => {
  await withClient(async (c) => {
    const pexpiretime = async (k: string) => await c.call("PEXPIRETIME", k) as number;
    const now = Date.now();
    // A new key; a key without a TTL; a key with one (its time rewritten); a collection.
    assert.equal(await c.call("SET", "plain", "v1"), "OK");
    assert.equal(await c.call("SET", "timed", "v2", "PX", "5000000"), "OK");
    assert.equal(await c.call("SADD", "coll", "m"), 1);
    for (const k of ["new", "plain", "timed", "coll"]) {
      assert.equal(await c.call("SET", k, `value of ${k}`, "ex", "1000"), "OK");
      assert.equal(await c.call("GET", k), `value of ${k}`);
      const at = await pexpiretime(k);
      assert.ok(at >= now + 1_000_000 && at <= Date.now() + 1_000_000, `${k}: ${at}`);
    }
    assert.equal(await c.call("TYPE", "coll"), "string");
    assert.equal(await c.call("SET", "timed", "v3", "PX", "7000000"), "OK");
    assert.ok(await pexpiretime("timed") >= now + 7_000_000);
    // A key whose exact time was past 2^53 ms: the new time replaces it.
    assert.equal(await c.call("SET", "far", "v"), "OK");
    assert.equal(await c.call("PEXPIREAT", "far", "9007199254740993"), 1);
    assert.equal(await c.call("PEXPIRETIME", "far"), 9007199254740993n);
    assert.equal(await c.call("SET", "far", "v", "EX", "100"), "OK");
    assert.ok(await pexpiretime("far") <= Date.now() + 100_000);
    // Binary values of every length around the slab's classes keep their bytes, and a plain SET
    // after drops the TTL.
    for (const n of [0, 1, 8, 9, 64, 65, 300]) {
      const v = Array.from({ length: n }, (_, i) => String.fromCharCode((i * 37 + n) % 256)).join(
        "",
      );
      assert.equal(await c.call("SETEX", `bin${n}`, "100", v), "OK");
      assert.equal(await c.call("GET", `bin${n}`), v);
      assert.equal(await c.call("PSETEX", `bin${n}`, "100000", v + "!"), "OK");
      assert.equal(await c.call("GET", `bin${n}`), v + "!");
      assert.ok(await pexpiretime(`bin${n}`) > now);
      assert.equal(await c.call("SET", `bin${n}`, v), "OK");
      assert.equal(await pexpiretime(`bin${n}`), -1);
    }
    // Bad times leave the key as it was.
    assert.equal(await c.call("SET", "plain", "x"), "OK");
    const invalid = (command: string) => err(`ERR invalid expire time in '${command}' command`);
    for (
      const [args, reply] of [
        [["SET", "plain", "y", "EX", "0"], invalid("set")],
        [["SET", "plain", "y", "PX", "-5"], invalid("set")],
        [["SET", "plain", "y", "EX", "soon"], NOT_INTEGER],
        [["SET", "plain", "y", "EX", "9223372036854775807"], invalid("set")],
        [["SETEX", "plain", "0", "y"], invalid("setex")],
      ] as const
    ) {
      assert.deepEqual(await c.call(...args), reply, args.join(" "));
    }
    assert.equal(await c.call("GET", "plain"), "x");
    assert.equal(await pexpiretime("plain"), -1);
  });
});
