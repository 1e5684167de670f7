// String commands against keyval alone, with concrete expected replies: the behaviours shared
// with Redis (conformance_test.ts compares those too) and keyval's own (EXP, inline multi-word
// SET), plus the STATS counters these commands move.
import assert from "node:assert/strict";
import { ReplyError } from "../helpers/raw.ts";
import { readStats as stats, withClient } from "../helpers/server.ts";

const err = (message: string) => new ReplyError(message);
const SYNTAX = err("ERR syntax error");
const NOT_INTEGER = err("ERR value is not an integer or out of range");
const NOT_FLOAT = err("ERR value is not a valid float");
const BIN = "\r\n\0x\xff\x80\r\n";

Deno.test("SET and GET: plain, empty and binary values and keys round-trip", async () => {
  await withClient(async (c) => {
    assert.equal(await c.call("GET", "k"), null);
    assert.equal(await c.call("SET", "k", "v"), "OK");
    assert.equal(await c.call("GET", "k"), "v");
    assert.equal(await c.call("SET", "k", ""), "OK");
    assert.equal(await c.call("GET", "k"), "");
    assert.equal(await c.call("STRLEN", "k"), 0);
    assert.equal(await c.call("SET", BIN, BIN), "OK");
    assert.equal(await c.call("GET", BIN), BIN);
    assert.equal(await c.call("STRLEN", BIN), 8);
    assert.equal(await c.call("SET", "", "empty key"), "OK");
    assert.equal(await c.call("GET", ""), "empty key");
    // The raw bytes of the reply, not just the parsed value: length prefix counts bytes.
    await c.send("*2\r\n$3\r\nGET\r\n$8\r\n" + BIN + "\r\n");
    assert.equal(await c.readRaw(14), "$8\r\n" + BIN + "\r\n");
  });
});

Deno.test("SET options: NX, XX, GET, KEEPTTL, EX, PX, EXAT, PXAT and their conflicts", async () => {
  await withClient(async (c) => {
    assert.equal(await c.call("SET", "k", "1", "NX"), "OK");
    assert.equal(await c.call("SET", "k", "2", "NX"), null);
    assert.equal(await c.call("SET", "k", "3", "XX"), "OK");
    assert.equal(await c.call("SET", "none", "3", "XX"), null);
    assert.equal(await c.call("EXISTS", "none"), 0);
    assert.equal(await c.call("SET", "k", "4", "GET"), "3");
    assert.equal(await c.call("SET", "new", "1", "GET"), null);
    assert.equal(await c.call("SET", "k", "5", "NX", "GET"), "4");
    assert.equal(await c.call("GET", "k"), "4");
    assert.equal(await c.call("SET", "k", "5", "XX", "GET"), "4");
    assert.equal(await c.call("SET", "k", "v", "EX", "100"), "OK");
    assert.equal(await c.call("TTL", "k"), 100);
    assert.equal(await c.call("SET", "k", "w", "KEEPTTL"), "OK");
    assert.equal(await c.call("TTL", "k"), 100);
    assert.equal(await c.call("SET", "k", "x"), "OK");
    assert.equal(await c.call("TTL", "k"), -1);
    assert.equal(await c.call("SET", "k", "v", "px", "100000"), "OK");
    assert.equal(await c.call("TTL", "k"), 100);
    assert.equal(await c.call("SET", "k", "v", "EXAT", "32503680000"), "OK");
    assert.equal(await c.call("PEXPIRETIME", "k"), 32503680000000);
    assert.equal(await c.call("SET", "k", "v", "PXAT", "32503680000123"), "OK");
    assert.equal(await c.call("PEXPIRETIME", "k"), 32503680000123);
    // A later expiry of the same kind replaces the earlier one.
    assert.equal(await c.call("SET", "k", "v", "EX", "5", "EX", "100"), "OK");
    assert.equal(await c.call("TTL", "k"), 100);
    // An absolute time already past stores nothing.
    assert.equal(await c.call("SET", "k", "v", "EXAT", "1"), "OK");
    assert.equal(await c.call("EXISTS", "k"), 0);
    for (
      const options of [
        ["NX", "XX"],
        ["EX", "1", "PX", "1"],
        ["EX", "1", "KEEPTTL"],
        ["KEEPTTL", "PXAT", "1"],
        ["EX"],
        ["BOGUS"],
        ["PERSIST"],
      ]
    ) {
      assert.deepEqual(await c.call("SET", "k", "v", ...options), SYNTAX, options.join(" "));
    }
    assert.deepEqual(await c.call("SET", "k", "v", "EX", "1.5"), NOT_INTEGER);
    for (const t of ["0", "-1", "9223372036854775807"]) {
      assert.deepEqual(
        await c.call("SET", "k", "v", "EX", t),
        err("ERR invalid expire time in 'set' command"),
      );
    }
    assert.deepEqual(
      await c.call("SET", "k"),
      err("ERR wrong number of arguments for 'set' command"),
    );
  });
});

Deno.test("keyval's own SET: EXP is EX, and inline words up to the first option join", async () => {
  await withClient(async (c) => {
    assert.equal(await c.call("SET", "s", "active", "EXP", "30"), "OK");
    assert.equal(await c.call("TTL", "s"), 30);
    assert.equal(await c.call("SET", "s", "active", "exp", "40", "NX"), null);
    assert.equal(await c.call("SET", "s", "v", "EXP", "40", "XX", "GET"), "active");
    assert.equal(await c.call("TTL", "s"), 40);
    assert.deepEqual(await c.call("SET", "s", "v", "EXP", "10", "PX", "10"), SYNTAX);
    assert.deepEqual(await c.call("SET", "s", "v", "EXP", "10", "KEEPTTL"), SYNTAX);
    assert.deepEqual(
      await c.call("SET", "s", "v", "EXP", "0"),
      err("ERR invalid expire time in 'set' command"),
    );
    // EXP belongs to SET only.
    assert.deepEqual(await c.call("GETEX", "s", "EXP", "10"), SYNTAX);

    await c.send("SET greeting hello big world\r\nGET greeting\r\nTTL greeting\r\n");
    assert.deepEqual(await c.replies(3), ["OK", "hello big world", -1]);
    await c.send("SET note meet at noon EX 100\nGET note\nTTL note\n");
    assert.deepEqual(await c.replies(3), ["OK", "meet at noon", 100]);
    await c.send("SET note other words NX\nGET note\nSET fresh two words nx get\nGET fresh\n");
    assert.deepEqual(await c.replies(4), [null, "meet at noon", null, "two words"]);
    await c.send('SET quoted "a b" c\r\nGET quoted\r\n');
    assert.deepEqual(await c.replies(2), ["OK", "a b c"]);
    await c.send("SET single word\r\nGET single\r\n");
    assert.deepEqual(await c.replies(2), ["OK", "word"]);
    // Over RESP the same words are a syntax error, as in Redis.
    assert.deepEqual(await c.call("SET", "greeting", "hello", "big", "world"), SYNTAX);
    assert.equal(await c.call("GET", "greeting"), "hello big world");
  });
});

Deno.test("GETSET, GETDEL, GETEX, SETNX, SETEX, PSETEX", async () => {
  await withClient(async (c) => {
    assert.equal(await c.call("GETSET", "k", "a"), null);
    assert.equal(await c.call("GETSET", "k", BIN), "a");
    assert.equal(await c.call("GET", "k"), BIN);
    assert.equal(await c.call("SET", "t", "v", "EX", "100"), "OK");
    assert.equal(await c.call("GETSET", "t", "w"), "v");
    assert.equal(await c.call("TTL", "t"), -1, "GETSET drops the TTL");

    assert.equal(await c.call("GETDEL", "k"), BIN);
    assert.equal(await c.call("GETDEL", "k"), null);
    assert.equal(await c.call("EXISTS", "k"), 0);

    assert.equal(await c.call("GETEX", "missing", "EX", "0"), null, "no key: time not checked");
    assert.equal(await c.call("SET", "g", "v"), "OK");
    assert.equal(await c.call("GETEX", "g"), "v");
    assert.equal(await c.call("GETEX", "g", "EX", "100"), "v");
    assert.equal(await c.call("TTL", "g"), 100);
    assert.equal(await c.call("GETEX", "g", "PXAT", "32503680000123"), "v");
    assert.equal(await c.call("PEXPIRETIME", "g"), 32503680000123);
    assert.equal(await c.call("GETEX", "g", "PERSIST"), "v");
    assert.equal(await c.call("TTL", "g"), -1);
    assert.deepEqual(
      await c.call("GETEX", "g", "EX", "0"),
      err("ERR invalid expire time in 'getex' command"),
    );
    assert.deepEqual(await c.call("GETEX", "g", "EX", "1", "PERSIST"), SYNTAX);
    assert.deepEqual(await c.call("GETEX", "g", "KEEPTTL"), SYNTAX);
    assert.equal(await c.call("GETEX", "g", "EXAT", "1"), "v", "a past time replies, then deletes");
    assert.equal(await c.call("EXISTS", "g"), 0);

    assert.equal(await c.call("SETNX", "n", "1"), 1);
    assert.equal(await c.call("SETNX", "n", "2"), 0);
    assert.equal(await c.call("GET", "n"), "1");

    assert.equal(await c.call("SETEX", "e", "100", BIN), "OK");
    assert.equal(await c.call("GET", "e"), BIN);
    assert.equal(await c.call("TTL", "e"), 100);
    assert.equal(await c.call("PSETEX", "p", "100000", "v"), "OK");
    assert.equal(await c.call("TTL", "p"), 100);
    assert.deepEqual(
      await c.call("SETEX", "e", "0", "v"),
      err("ERR invalid expire time in 'setex' command"),
    );
    assert.deepEqual(
      await c.call("PSETEX", "p", "-5", "v"),
      err("ERR invalid expire time in 'psetex' command"),
    );
    assert.deepEqual(await c.call("SETEX", "e", "ten", "v"), NOT_INTEGER);
    assert.equal(await c.call("GET", "e"), BIN, "a refused SETEX changes nothing");
  });
});

Deno.test("MGET, MSET, MSETNX", async () => {
  await withClient(async (c) => {
    assert.equal(await c.call("MSET", "a", "1", "b", BIN, "c", ""), "OK");
    assert.deepEqual(await c.call("MGET", "a", "b", "c", "missing", "a"), [
      "1",
      BIN,
      "",
      null,
      "1",
    ]);
    assert.deepEqual(
      await c.call("MSET", "a", "1", "b"),
      err("ERR wrong number of arguments for 'mset' command"),
    );
    assert.equal(await c.call("MSET", "d", "x", "d", "y"), "OK");
    assert.equal(await c.call("GET", "d"), "y", "the last value for a repeated key wins");
    assert.equal(await c.call("MSETNX", "e", "1", "f", "2"), 1);
    assert.equal(await c.call("MSETNX", "g", "1", "a", "2"), 0);
    assert.equal(await c.call("EXISTS", "g"), 0, "MSETNX sets all or nothing");
    assert.equal(await c.call("GET", "a"), "1");
    assert.deepEqual(
      await c.call("MSETNX", "x", "1", "y"),
      err("ERR wrong number of arguments for 'msetnx' command"),
    );
  });
});

Deno.test("APPEND, STRLEN, GETRANGE, SUBSTR, SETRANGE", async () => {
  await withClient(async (c) => {
    assert.equal(await c.call("APPEND", "s", "Hello"), 5);
    assert.equal(await c.call("APPEND", "s", ", World"), 12);
    assert.equal(await c.call("APPEND", "s", ""), 12);
    assert.equal(await c.call("APPEND", "empty", ""), 0);
    assert.equal(await c.call("EXISTS", "empty"), 1, "APPEND of nothing still creates the key");
    assert.equal(await c.call("STRLEN", "s"), 12);
    assert.equal(await c.call("STRLEN", "missing"), 0);
    assert.equal(await c.call("SET", "t", "v", "EX", "100"), "OK");
    assert.equal(await c.call("APPEND", "t", "w"), 2);
    assert.equal(await c.call("TTL", "t"), 100, "APPEND keeps the TTL");

    const ranges: [string, string, string][] = [
      ["0", "4", "Hello"],
      ["0", "-1", "Hello, World"],
      ["-5", "-1", "World"],
      ["-1", "-5", ""],
      ["5", "2", ""],
      ["-100", "2", "Hel"],
      ["-100", "-50", "H"], // both clamp to 0, as in Redis
      ["100", "200", ""],
      ["7", "100", "World"],
      ["0", "9223372036854775807", "Hello, World"],
      ["-9223372036854775808", "0", "H"],
    ];
    for (const [start, end, expected] of ranges) {
      assert.equal(await c.call("GETRANGE", "s", start, end), expected, `GETRANGE ${start} ${end}`);
      assert.equal(await c.call("SUBSTR", "s", start, end), expected, `SUBSTR ${start} ${end}`);
    }
    assert.equal(await c.call("GETRANGE", "missing", "0", "-1"), "");
    assert.deepEqual(await c.call("GETRANGE", "s", "a", "1"), NOT_INTEGER);
    assert.deepEqual(await c.call("GETRANGE", "s", "0", "9223372036854775808"), NOT_INTEGER);

    assert.equal(await c.call("SETRANGE", "s", "7", "Deno!"), 12);
    assert.equal(await c.call("GET", "s"), "Hello, Deno!");
    assert.equal(await c.call("SETRANGE", "s", "14", BIN), 22);
    assert.equal(await c.call("GET", "s"), "Hello, Deno!\0\0" + BIN);
    assert.equal(await c.call("SETRANGE", "p", "3", "x"), 4);
    assert.equal(await c.call("GET", "p"), "\0\0\0x");
    assert.equal(await c.call("SETRANGE", "q", "3", ""), 0);
    assert.equal(await c.call("EXISTS", "q"), 0, "SETRANGE of nothing creates no key");
    assert.equal(await c.call("SETRANGE", "s", "100", ""), 22, "nothing written: the length");
    assert.deepEqual(await c.call("SETRANGE", "s", "-1", "x"), err("ERR offset is out of range"));
    assert.deepEqual(await c.call("SETRANGE", "s", "x", "x"), NOT_INTEGER);
    const tooBig = err("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    assert.deepEqual(await c.call("SETRANGE", "s", "536870912", "x"), tooBig);
    assert.deepEqual(await c.call("SETRANGE", "s", "9223372036854775807", "x"), tooBig);
    assert.equal(await c.call("SETRANGE", "t", "0", "W"), 2);
    assert.equal(await c.call("TTL", "t"), 100, "SETRANGE keeps the TTL");
  });
});

Deno.test("INCR, DECR, INCRBY, DECRBY: 64-bit integers and Redis's errors", async () => {
  await withClient(async (c) => {
    assert.equal(await c.call("INCR", "n"), 1);
    assert.equal(await c.call("INCRBY", "n", "41"), 42);
    assert.equal(await c.call("DECR", "n"), 41);
    assert.equal(await c.call("DECRBY", "n", "-9"), 50);
    assert.equal(await c.call("GET", "n"), "50");
    assert.equal(await c.call("SET", "n", "9223372036854775806"), "OK");
    assert.equal(await c.call("INCR", "n"), 9223372036854775807n);
    const overflow = err("ERR increment or decrement would overflow");
    assert.deepEqual(await c.call("INCR", "n"), overflow);
    assert.equal(await c.call("GET", "n"), "9223372036854775807", "a refused INCR changes nothing");
    assert.equal(await c.call("SET", "n", "-9223372036854775808"), "OK");
    assert.deepEqual(await c.call("DECR", "n"), overflow);
    assert.equal(await c.call("INCRBY", "n", "9223372036854775807"), -1);
    assert.deepEqual(
      await c.call("DECRBY", "n", "-9223372036854775808"),
      err("ERR decrement would overflow"),
    );
    // Large but safe-integer-crossing sums stay exact.
    assert.equal(await c.call("SET", "n", "9007199254740992"), "OK");
    assert.equal(await c.call("INCR", "n"), 9007199254740993n);
    assert.equal(await c.call("GET", "n"), "9007199254740993");
    for (
      const bad of ["abc", "", " 1", "1 ", "+1", "01", "-0", "1.0", "1e3", "9223372036854775808"]
    ) {
      assert.equal(await c.call("SET", "v", bad), "OK");
      assert.deepEqual(await c.call("INCR", "v"), NOT_INTEGER, `INCR of ${JSON.stringify(bad)}`);
      assert.deepEqual(await c.call("INCRBY", "n", bad), NOT_INTEGER, `INCRBY ${bad}`);
    }
    assert.equal(await c.call("SET", "t", "5", "EX", "100"), "OK");
    assert.equal(await c.call("INCR", "t"), 6);
    assert.equal(await c.call("TTL", "t"), 100, "INCR keeps the TTL");
  });
});

Deno.test("INCRBYFLOAT: long double arithmetic printed with 17 decimals, as Redis", async () => {
  await withClient(async (c) => {
    const cases: [string, string, string][] = [
      ["1.1", "2.2", "3.3"],
      ["10.50", "0.1", "10.6"],
      ["0.1", "0.2", "0.3"],
      ["3", "-3", "0"],
      ["-0", "0", "0"],
      ["5", "1e2", "105"],
      ["5.0e3", "2.0e-2", "5000.02000000000000002"], // a long double's binary error shows
      ["1", "0x10", "17"],
      ["1", "0x1p-2", "1.25"],
      ["0", "0.000000000000000005", "0"], // a little under 5e-18 as a long double
      ["0", "0.000000000000000015", "0.00000000000000002"],
      ["0", "0.000003814697265625", "0.00000381469726562"], // 2^-18: a tie, to even
      ["0", "-0.000000000000000005", "0"],
      ["12345678901234567890", "0.5", "12345678901234567890"], // a 64-bit significand
      ["1e20", "1", "100000000000000000000"],
      ["-9223372036854775807", "-1.25", "-9223372036854775808"],
    ];
    for (const [start, by, expected] of cases) {
      assert.equal(await c.call("SET", "f", start), "OK");
      assert.equal(await c.call("INCRBYFLOAT", "f", by), expected, `${start} + ${by}`);
      assert.equal(await c.call("GET", "f"), expected, "the stored value is the reply");
    }
    assert.equal(await c.call("INCRBYFLOAT", "new", "2.5"), "2.5");
    assert.equal(await c.call("SET", "f", "1e4932"), "OK");
    const big = await c.call("INCRBYFLOAT", "f", "0");
    // 1e4932 as a long double, printed exactly: Redis's digits.
    assert.ok(typeof big === "string" && big.length === 4933, "4933 digits");
    assert.ok(big.startsWith("100000000000000000000601894938796389132383777425453311477378"));
    const nanOrInf = err("ERR increment would produce NaN or Infinity");
    assert.equal(await c.call("SET", "f", "1.1e4932"), "OK");
    assert.deepEqual(await c.call("INCRBYFLOAT", "f", "1.1e4932"), nanOrInf);
    assert.deepEqual(await c.call("INCRBYFLOAT", "f", "inf"), nanOrInf);
    for (const bad of ["abc", "", " 1", "1e", "nan", "1e4933", "1e-5000", "1,5", "0x"]) {
      assert.deepEqual(await c.call("INCRBYFLOAT", "f", bad), NOT_FLOAT, `by ${bad}`);
    }
    assert.equal(await c.call("SET", "f", "one"), "OK");
    assert.deepEqual(await c.call("INCRBYFLOAT", "f", "1"), NOT_FLOAT);
    assert.equal(await c.call("SET", "t", "1", "EX", "100"), "OK");
    assert.equal(await c.call("INCRBYFLOAT", "t", "0.5"), "1.5");
    assert.equal(await c.call("TTL", "t"), 100, "INCRBYFLOAT keeps the TTL");
  });
});

Deno.test("STATS: gets, hits, misses, sets and dels follow the string commands", async () => {
  await withClient(async (c) => {
    const before = await stats(c);
    for (const name of ["gets", "hits", "misses", "sets", "dels"]) assert.equal(before[name], 0);
    await c.call("SET", "a", "1"); // sets 1
    await c.call("SET", "a", "2", "NX"); // sets 2 (refused, still an attempted set)
    await c.call("GET", "a"); // gets 1, hits 1
    await c.call("GET", "missing"); // gets 2, misses 1
    await c.call("MGET", "a", "missing", "a"); // gets 5, hits 3, misses 2
    await c.call("MSET", "b", "1", "c", "2"); // sets 4
    await c.call("MSETNX", "b", "1", "d", "2"); // sets 6 (refused)
    await c.call("SETNX", "a", "x"); // sets 7
    await c.call("SETEX", "e", "100", "v"); // sets 8
    await c.call("GETSET", "a", "3"); // gets 6, hits 4, sets 9
    await c.call("SET", "a", "4", "GET"); // gets 7, hits 5, sets 10
    await c.call("GETEX", "a"); // gets 8, hits 6
    await c.call("GETDEL", "a"); // gets 9, hits 7, dels 1
    await c.call("GETDEL", "a"); // gets 10, misses 3
    await c.call("STRLEN", "b"); // hits 8
    await c.call("INCR", "counter"); // no read counted: INCR looks the key up for writing
    await c.call("SET", "x", "1", "EX", "0"); // an error: nothing counted
    const after = await stats(c);
    assert.deepEqual(
      {
        gets: after.gets,
        hits: after.hits,
        misses: after.misses,
        sets: after.sets,
        dels: after.dels,
      },
      { gets: 10, hits: 8, misses: 3, sets: 10, dels: 1 },
    );
  });
});
