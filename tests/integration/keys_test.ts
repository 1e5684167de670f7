// Key commands against keyval alone, with concrete expected replies: existence and deletion,
// KEYS globs, SCAN's full-iteration guarantee under concurrent changes, renaming and copying,
// RANDOMKEY, and keyval's own rules (one database, server-side SCAN cursors, RESP2 only).
import assert from "node:assert/strict";
import { type RawClient, type Reply, ReplyError } from "../helpers/raw.ts";
import { readStats as stats, withClient } from "../helpers/server.ts";

const err = (message: string) => new ReplyError(message);
const SYNTAX = err("ERR syntax error");
const INVALID_CURSOR = err("ERR invalid cursor");
const OUT_OF_RANGE = err("ERR DB index is out of range");

const sorted = (r: Reply) => {
  assert.ok(Array.isArray(r), `an array reply, not ${r}`);
  return [...r].sort();
};

/** One SCAN call: [next cursor, keys]. */
async function scanStep(c: RawClient, cursor: string, ...options: string[]) {
  const r = await c.call("SCAN", cursor, ...options);
  assert.ok(Array.isArray(r) && r.length === 2 && Array.isArray(r[1]), `SCAN reply ${r}`);
  return [r[0] as string, r[1] as string[]] as const;
}

Deno.test("DEL, UNLINK, EXISTS, TOUCH, TYPE, DBSIZE", async () => {
  await withClient(async (c) => {
    assert.equal(await c.call("MSET", "a", "1", "b", "2", "c", "3", "\0\r\n", "4"), "OK");
    assert.equal(await c.call("DBSIZE"), 4);
    assert.equal(await c.call("EXISTS", "a", "a", "missing", "\0\r\n"), 3, "repeats count");
    assert.equal(await c.call("TOUCH", "a", "b", "missing"), 2);
    assert.equal(await c.call("TYPE", "a"), "string");
    assert.equal(await c.call("TYPE", "missing"), "none");
    assert.equal(await c.call("DEL", "a", "a", "missing"), 1, "a key is deleted once");
    assert.equal(await c.call("UNLINK", "b", "\0\r\n"), 2);
    assert.equal(await c.call("EXISTS", "a", "b", "\0\r\n"), 0);
    assert.equal(await c.call("DBSIZE"), 1);
    assert.equal(await c.call("FLUSHDB"), "OK");
    assert.equal(await c.call("DBSIZE"), 0);
    assert.equal(await c.call("SET", "a", "1"), "OK");
    assert.equal(await c.call("FLUSHALL", "ASYNC"), "OK");
    assert.equal(await c.call("DBSIZE"), 0);
    assert.deepEqual(await c.call("FLUSHALL", "NOW"), SYNTAX);
    assert.deepEqual(await c.call("DEL"), err("ERR wrong number of arguments for 'del' command"));
  });
});

Deno.test("KEYS with glob patterns: *, ?, [abc], [^a], [a-z] and \\ escapes", async () => {
  await withClient(async (c) => {
    const keys = ["hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "h?llo", "h\\llo", "a[b"];
    for (const k of keys) assert.equal(await c.call("SET", k, "v"), "OK");
    const cases: [string, string[]][] = [
      ["*", keys],
      ["h?llo", ["h*llo", "h?llo", "h\\llo", "hallo", "hello", "hxllo"]],
      ["h*llo", ["h*llo", "h?llo", "h\\llo", "hallo", "heeeello", "hello", "hllo", "hxllo"]],
      ["h[ae]llo", ["hallo", "hello"]],
      ["h[^e]llo", ["h*llo", "h?llo", "h\\llo", "hallo", "hxllo"]],
      ["h[a-e]llo", ["hallo", "hello"]],
      ["h[e-a]llo", ["hallo", "hello"]], // a reversed range is the same range
      ["h[^a-z]llo", ["h*llo", "h?llo", "h\\llo"]],
      ["h\\*llo", ["h*llo"]],
      ["h\\?llo", ["h?llo"]],
      ["h\\\\llo", ["h\\llo"]],
      ["h[\\\\]llo", ["h\\llo"]],
      ["a\\[b", ["a[b"]],
      ["a[b", []], // an unterminated class is closed at the end of the pattern
      ["*e*e*e*", ["heeeello"]],
      ["h?", []],
      ["nothing*", []],
    ];
    for (const [pattern, expected] of cases) {
      assert.deepEqual(sorted(await c.call("KEYS", pattern)), [...expected].sort(), pattern);
    }
    assert.deepEqual(await c.call("KEYS"), err("ERR wrong number of arguments for 'keys' command"));
  });
});

Deno.test("KEYS: a pathological pattern against a long key completes", async () => {
  await withClient(async (c) => {
    // Backtracking glob matchers take exponential time on this; a reply at all is the check.
    const long = "a".repeat(50_000);
    assert.equal(await c.call("SET", long, "v"), "OK");
    assert.equal(await c.call("SET", long + "b", "v"), "OK");
    const r = await c.call("KEYS", "a*a*a*a*a*a*a*a*a*a*b");
    assert.deepEqual(r, [long + "b"]);
    assert.deepEqual(await c.call("KEYS", "a*a*a*a*a*a*a*a*a*a*c"), []);
    const [, found] = await scanStep(c, "0", "MATCH", "*a*a*a*a*a*a*a*a*a*a*b", "COUNT", "10");
    assert.deepEqual(found, [long + "b"]);
  });
});

Deno.test("SCAN: a full iteration returns every key present throughout, under changes", async () => {
  await withClient(async (c) => {
    const stable = Array.from({ length: 200 }, (_, i) => `stable:${i}`);
    const doomed = Array.from({ length: 100 }, (_, i) => `doomed:${i}`);
    for (const k of [...stable, ...doomed]) assert.equal(await c.call("SET", k, "v"), "OK");
    const seen: string[] = [];
    let cursor = "0";
    let calls = 0;
    let added = 0;
    do {
      const [next, keys] = await scanStep(c, cursor, "COUNT", "7");
      seen.push(...keys);
      cursor = next;
      calls++;
      // Between calls: delete some keys, add new ones, and rewrite stable ones.
      if (calls <= 50) {
        assert.equal(await c.call("DEL", doomed[calls * 2 - 2], doomed[calls * 2 - 1]), 2);
        assert.equal(await c.call("SET", `added:${added++}`, "v"), "OK");
        assert.equal(await c.call("SET", stable[calls * 3], "rewritten"), "OK");
      }
    } while (cursor !== "0");
    assert.ok(calls > 10, "the iteration took many calls");
    const unique = new Set(seen);
    assert.equal(unique.size, seen.length, "no key is returned twice");
    for (const k of stable) assert.ok(unique.has(k), `${k} was returned`);
    for (const k of unique) {
      assert.match(k, /^(stable|doomed|added):\d+$/, "only keys that existed at some point");
    }
  });
});

Deno.test("SCAN: MATCH, COUNT, TYPE, and keyval's server-side cursors", async () => {
  await withClient(async (c) => {
    for (let i = 0; i < 30; i++) assert.equal(await c.call("SET", `k:${i}`, "v"), "OK");
    assert.equal(await c.call("SET", "other", "v"), "OK");
    const all = async (...options: string[]) => {
      const out: string[] = [];
      let cursor = "0";
      do {
        const [next, keys] = await scanStep(c, cursor, ...options);
        out.push(...keys);
        cursor = next;
      } while (cursor !== "0");
      return out.sort();
    };
    const expected = Array.from({ length: 30 }, (_, i) => `k:${i}`).sort();
    assert.deepEqual(await all("MATCH", "k:*"), expected);
    assert.deepEqual(await all("MATCH", "k:*", "COUNT", "1"), expected);
    assert.deepEqual(await all("TYPE", "string", "MATCH", "o*"), ["other"]);
    assert.deepEqual(await all("TYPE", "list"), []);
    const [first, batch] = await scanStep(c, "0", "COUNT", "5");
    assert.notEqual(first, "0");
    assert.equal(batch.length, 5, "COUNT keys per call when nothing is filtered");
    const [, rest] = await scanStep(c, "0", "COUNT", "1000");
    assert.equal(rest.length, 31);

    // keyval's cursors name live server-side iterators: unknown ones are refused, and one is
    // used up by continuing from it.
    assert.deepEqual(await c.call("SCAN", "987654"), INVALID_CURSOR);
    assert.deepEqual(await c.call("SCAN", "-1"), INVALID_CURSOR);
    const [second] = await scanStep(c, first, "COUNT", "5");
    assert.notEqual(second, "0");
    assert.deepEqual(await c.call("SCAN", first), INVALID_CURSOR, "a used cursor is gone");
    assert.equal(await c.call("FLUSHALL"), "OK");
    assert.deepEqual(await c.call("SCAN", second), INVALID_CURSOR, "FLUSHALL drops cursors");
    assert.deepEqual(await scanStep(c, "0"), ["0", []]);

    assert.deepEqual(await c.call("SCAN", "0", "COUNT", "0"), SYNTAX);
    assert.deepEqual(await c.call("SCAN", "0", "MATCH"), SYNTAX);
    assert.deepEqual(
      await c.call("SCAN", "0", "COUNT", "x"),
      err("ERR value is not an integer or out of range"),
    );
    assert.deepEqual(await c.call("SCAN", "x"), INVALID_CURSOR);
  });
});

Deno.test("RENAME, RENAMENX and COPY move values with their TTL", async () => {
  await withClient(async (c) => {
    assert.deepEqual(await c.call("RENAME", "missing", "x"), err("ERR no such key"));
    assert.equal(await c.call("SET", "a", "1", "PXAT", "32503680000123"), "OK");
    assert.equal(await c.call("RENAME", "a", "b"), "OK");
    assert.equal(await c.call("EXISTS", "a"), 0);
    assert.equal(await c.call("GET", "b"), "1");
    assert.equal(await c.call("PEXPIRETIME", "b"), 32503680000123);
    assert.equal(await c.call("RENAME", "b", "b"), "OK");
    assert.equal(await c.call("SET", "c", "2", "EX", "100"), "OK");
    assert.equal(await c.call("RENAMENX", "b", "c"), 0);
    assert.equal(await c.call("RENAMENX", "b", "d"), 1);
    assert.equal(await c.call("SET", "plain", "p"), "OK");
    assert.equal(await c.call("RENAME", "plain", "c"), "OK");
    assert.equal(await c.call("TTL", "c"), -1, "the destination takes the source's (lack of) TTL");

    assert.equal(await c.call("COPY", "d", "e"), 1);
    assert.equal(await c.call("PEXPIRETIME", "e"), 32503680000123);
    assert.equal(await c.call("COPY", "d", "e"), 0);
    assert.equal(await c.call("COPY", "c", "e", "REPLACE"), 1);
    assert.equal(await c.call("GET", "e"), "p");
    assert.equal(await c.call("TTL", "e"), -1);
    assert.equal(await c.call("COPY", "missing", "f"), 0);
    assert.deepEqual(
      await c.call("COPY", "c", "c"),
      err("ERR source and destination objects are the same"),
    );
    assert.equal(await c.call("COPY", "c", "g", "DB", "0"), 1);
    // keyval has one database.
    assert.deepEqual(await c.call("COPY", "c", "h", "DB", "1"), OUT_OF_RANGE);
    assert.equal(await c.call("EXISTS", "h"), 0);
    assert.deepEqual(await c.call("COPY", "c", "h", "BOGUS"), SYNTAX);
  });
});

Deno.test("RANDOMKEY: nil when empty, a live key otherwise, never an expired one", async () => {
  await withClient(async (c) => {
    assert.equal(await c.call("RANDOMKEY"), null);
    assert.equal(await c.call("SET", "only", "v"), "OK");
    assert.equal(await c.call("RANDOMKEY"), "only");
    const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
    for (const k of keys) assert.equal(await c.call("SET", k, "v"), "OK");
    const seen = new Set<Reply>();
    for (let i = 0; i < 200; i++) seen.add(await c.call("RANDOMKEY"));
    for (const k of seen) assert.ok(k === "only" || keys.includes(k as string), `${k} exists`);
    // 200 draws over 21 keys: a fixed answer would mean it is not random at all.
    assert.ok(seen.size > 5, `RANDOMKEY returned ${seen.size} distinct keys`);

    assert.equal(await c.call("FLUSHALL"), "OK");
    for (let i = 0; i < 30; i++) assert.equal(await c.call("SET", `t${i}`, "v", "PX", "30"), "OK");
    assert.equal(await c.call("SET", "live", "v"), "OK");
    await new Promise((r) => setTimeout(r, 60));
    for (let i = 0; i < 20; i++) assert.equal(await c.call("RANDOMKEY"), "live");
  });
});

Deno.test("keyval's one database and RESP2: SELECT, HELLO, TIME", async () => {
  await withClient(async (c) => {
    assert.equal(await c.call("SELECT", "0"), "OK");
    assert.deepEqual(await c.call("SELECT", "1"), OUT_OF_RANGE);
    assert.deepEqual(await c.call("SELECT", "15"), OUT_OF_RANGE);
    assert.deepEqual(
      await c.call("SELECT", "one"),
      err("ERR value is not an integer or out of range"),
    );
    assert.deepEqual(await c.call("HELLO", "3"), err("NOPROTO unsupported protocol version"));
    const time = await c.call("TIME");
    assert.ok(Array.isArray(time) && time.length === 2, "TIME is [seconds, microseconds]");
    const [seconds, micros] = time.map(Number);
    assert.ok(Math.abs(seconds - Date.now() / 1000) < 60, "TIME is the current time");
    assert.ok(Number.isInteger(micros) && micros >= 0 && micros < 1_000_000);
    assert.equal(await c.call("PING"), "PONG");
    assert.equal(await c.call("PING", "\0\r\n"), "\0\r\n");
    assert.equal(await c.call("ECHO", ""), "");
  });
});

Deno.test("STATS: dels counts DEL, UNLINK and GETDEL deletions", async () => {
  await withClient(async (c) => {
    assert.equal(await c.call("MSET", "a", "1", "b", "2", "c", "3", "d", "4"), "OK");
    assert.equal((await stats(c)).dels, 0);
    assert.equal(await c.call("DEL", "a", "missing", "a"), 1);
    assert.equal(await c.call("UNLINK", "b", "c"), 2);
    assert.equal(await c.call("GETDEL", "d"), "4");
    assert.equal(await c.call("DEL", "missing"), 0);
    const s = await stats(c);
    assert.equal(s.dels, 4);
    assert.equal(s.keys, 0);
  });
});
