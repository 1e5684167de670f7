// Differential conformance of the hash commands with redis-server 7 (see
// tests/helpers/differential.ts). Small hashes list their fields in insertion order on both
// servers (Redis's listpack), so most replies compare exactly; large ones are compared sorted,
// and random picks by their shape (length, membership, distinctness).
import type { Reply } from "../helpers/raw.ts";
import { type Case, differential, sorted, type Step } from "../helpers/differential.ts";

const I64_MAX = "9223372036854775807";
const I64_MIN = "-9223372036854775808";
const BIN = "a\r\nb\0c\xff\x80\r\n";

/** HSET args for fields f0..f(n-1) with values v0..v(n-1). */
function pairs(n: number, fieldPrefix = "f", valuePrefix = "v"): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`${fieldPrefix}${i}`, `${valuePrefix}${i}`);
  return out;
}

/** A reply of [field, value, ...] pairs as sorted "field=value" strings. */
function sortedPairs(r: Reply): Reply {
  if (!Array.isArray(r)) return r;
  const out: string[] = [];
  for (let i = 0; i + 1 < r.length; i += 2) out.push(`${r[i]}=${r[i + 1]}`);
  return out.sort();
}

/** HSCAN expected to finish in one call: the cursor and the sorted pairs. */
const hscanOnce = (...args: string[]): Step => ({
  args: ["HSCAN", ...args],
  norm: (r) => Array.isArray(r) && Array.isArray(r[1]) ? [r[0], sortedPairs(r[1])] : r,
});

/**
 * HRANDFIELD with a count: compared by length, whether every element is one of `hash`'s fields
 * (or field=value pairs WITHVALUES), and, for a positive count, how many distinct fields came
 * (a negative count may repeat them at random).
 */
function randomFields(hash: Record<string, string>, ...args: string[]): Step {
  const withValues = args.some((a) => a.toLowerCase() === "withvalues");
  return {
    args: ["HRANDFIELD", ...args],
    norm: (r) => {
      if (!Array.isArray(r)) return r;
      const picks = withValues ? (sortedPairs(r) as string[]) : r.map(String);
      const known = picks.every((p) =>
        withValues ? hash[p.slice(0, p.indexOf("="))] === p.slice(p.indexOf("=") + 1) : p in hash
      );
      const distinct = args[1].startsWith("-") ? "may repeat" : new Set(picks).size;
      return [r.length, known ? "known" : "unknown", distinct];
    },
  };
}

const abc = { a: "1", b: "2", c: "3" };

/**
 * A seeded random workload over two hashes of up to `fields` fields: sets, increments, removals
 * and reads. Below 512 fields both servers keep insertion order (listpack), so whole-hash
 * replies compare exactly; past it they are compared sorted.
 */
function randomWorkload(seed: number, steps: number, fields: number): Case[] {
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const int = (n: number) => Math.floor(rand() * n);
  const field = () => "f" + int(fields);
  const value = () =>
    [String(int(100) - 50), "v" + int(1000), "", "1.5", "x".repeat(int(10))][int(5)];
  const exact = fields <= 512;
  const whole = (args: string[], pairs: boolean): Case =>
    exact ? args : pairs ? { args, norm: sortedPairs } : sorted(...args);
  const cases: Case[] = [];
  for (let i = 0; i < steps; i++) {
    const key = rand() < 0.8 ? "w" : "v";
    const r = int(14);
    if (r < 4) {
      const args = ["HSET", key];
      for (let k = 0, n = 1 + int(fields / 10); k < n; k++) args.push(field(), value());
      cases.push(args);
    } else if (r === 4) cases.push(["HSETNX", key, field(), value()]);
    else if (r === 5) {
      const args = ["HDEL", key];
      for (let k = 0, n = 1 + int(fields / 20); k < n; k++) args.push(field());
      cases.push(args);
    } else if (r === 6) cases.push(["HINCRBY", key, field(), String(int(200) - 100)]);
    else if (r === 7) cases.push(["HINCRBYFLOAT", key, field(), ["1.5", "-0.25", "3"][int(3)]]);
    else if (r === 8) cases.push(["HGET", key, field()], ["HEXISTS", key, field()]);
    else if (r === 9) cases.push(["HMGET", key, field(), field(), field()], ["HLEN", key]);
    else if (r === 10) cases.push(["HSTRLEN", key, field()], ["EXISTS", key]);
    else if (r === 11) cases.push(whole(["HGETALL", key], true));
    else if (r === 12) cases.push(whole(["HKEYS", key], false), whole(["HVALS", key], false));
    else cases.push(whole(["HRANDFIELD", key, "100000", "WITHVALUES"], true));
  }
  return cases;
}

const sections: Record<string, Case[]> = {
  "hset hget hmget": [
    ["HSET", "h", "a", "1"],
    ["HSET", "h", "a", "2", "b", "3"],
    ["HGET", "h", "a"],
    ["HGET", "h", "missing"],
    ["HGET", "nokey", "a"],
    ["HMGET", "h", "a", "b", "zz"],
    ["HMGET", "nokey", "a", "b"],
    ["HSET", "h", "c"],
    ["HSET", "h", "c", "1", "d"],
    ["HSET", "h"],
    ["HMSET", "h", "x", "1", "y", "2"],
    ["HMSET", "h", "x"],
    ["HMSET", "h", "x", "1", "y"],
    ["HGETALL", "h"],
    ["HSET", "h", "", ""],
    ["HGET", "h", ""],
    ["HSET", "h", BIN, BIN],
    ["HGET", "h", BIN],
    ["HSTRLEN", "h", BIN],
    ["HSET", "h", "a", "1", "a", "2"],
    ["HGET", "h", "a"],
    ["HGETALL", "h"],
    ["HKEYS", "h"],
    ["HVALS", "h"],
    ["HLEN", "h"],
    ["HGET", "h"],
    ["HGET", "h", "a", "b"],
    ["HMGET", "h"],
    ["hset", "lower", "f", "v"],
    ["HgEt", "lower", "f"],
  ],
  "hsetnx hexists hlen hstrlen": [
    ["HSETNX", "h", "a", "1"],
    ["HSETNX", "h", "a", "2"],
    ["HGET", "h", "a"],
    ["HSETNX", "h", "b", "22"],
    ["HEXISTS", "h", "a"],
    ["HEXISTS", "h", "zz"],
    ["HEXISTS", "nokey", "a"],
    ["HLEN", "h"],
    ["HLEN", "nokey"],
    ["HSTRLEN", "h", "b"],
    ["HSTRLEN", "h", "zz"],
    ["HSTRLEN", "nokey", "zz"],
    ["HSETNX", "h", "a"],
    ["HEXISTS", "h"],
    ["HLEN"],
    ["HLEN", "h", "x"],
    ["HSTRLEN", "h"],
  ],
  "hdel and empty-key deletion": [
    ["HSET", "h", "a", "1", "b", "2", "c", "3"],
    ["HDEL", "h", "a", "zz"],
    ["HDEL", "h", "a"],
    ["HGETALL", "h"],
    ["HDEL", "h", "b", "c", "b"],
    ["EXISTS", "h"],
    ["TYPE", "h"],
    ["HDEL", "h", "b"],
    ["HDEL", "h"],
    ["HSET", "h", "x", "1"],
    ["EXPIRE", "h", "100"],
    ["HSET", "h", "y", "2"],
    ["TTL", "h"],
    ["HDEL", "h", "x", "y"],
    ["TTL", "h"],
  ],
  "insertion order": [
    ["HSET", "h", "c", "3", "a", "1", "b", "2"],
    ["HDEL", "h", "a"],
    ["HSET", "h", "a", "11"],
    ["HSET", "h", "c", "33"],
    ["HGETALL", "h"],
    ["HKEYS", "h"],
    ["HVALS", "h"],
    ["HSCAN", "h", "0"],
  ],
  "hgetall hkeys hvals": [
    ["HGETALL", "nokey"],
    ["HKEYS", "nokey"],
    ["HVALS", "nokey"],
    ["HSET", "big", ...pairs(600)],
    sorted("HKEYS", "big"),
    sorted("HVALS", "big"),
    { args: ["HGETALL", "big"], norm: sortedPairs },
    ["HLEN", "big"],
    ["HGETALL"],
    ["HKEYS", "a", "b"],
  ],
  "hincrby": [
    ["HINCRBY", "h", "n", "5"],
    ["HINCRBY", "h", "n", "-7"],
    ["HINCRBY", "h", "n", "0"],
    ["HGET", "h", "n"],
    ["HSET", "h", "s", "abc", "sp", " 1", "z", "01", "f", "1.5", "e", ""],
    ["HINCRBY", "h", "s", "1"],
    ["HINCRBY", "h", "sp", "1"],
    ["HINCRBY", "h", "z", "1"],
    ["HINCRBY", "h", "f", "1"],
    ["HINCRBY", "h", "e", "1"],
    ["HINCRBY", "h", "n", "x"],
    ["HINCRBY", "h", "n", "1.0"],
    ["HINCRBY", "h", "n", ""],
    ["HINCRBY", "h", "n", "9223372036854775808"],
    ["HSET", "h", "max", I64_MAX, "min", I64_MIN],
    ["HINCRBY", "h", "max", "1"],
    ["HINCRBY", "h", "max", "0"],
    ["HINCRBY", "h", "max", "-1"],
    ["HINCRBY", "h", "min", "-1"],
    ["HINCRBY", "h", "min", I64_MAX],
    ["HINCRBY", "h", "big", I64_MIN],
    ["HINCRBY", "h", "big", "-1"],
    ["HINCRBY", "h", "big2", I64_MAX],
    ["HINCRBY", "h", "big2", I64_MAX],
    ["HGETALL", "h"],
    ["HINCRBY", "nokey", "n", "x"],
    ["EXISTS", "nokey"],
    ["HINCRBY", "h", "n"],
  ],
  "hincrbyfloat": [
    ["HINCRBYFLOAT", "h", "f", "1.5"],
    ["HINCRBYFLOAT", "h", "f", "0.1"],
    ["HINCRBYFLOAT", "h", "f", "-1.6"],
    ["HINCRBYFLOAT", "h", "f", "5.0e3"],
    ["HINCRBYFLOAT", "h", "f", "2.5e-1"],
    ["HINCRBYFLOAT", "h", "f", "-5000.25"],
    ["HSET", "h", "i", "10", "s", "abc", "sp", " 1", "e", "", "hex", "0x10"],
    ["HINCRBYFLOAT", "h", "i", "0.25"],
    ["HINCRBYFLOAT", "h", "s", "1"],
    ["HINCRBYFLOAT", "h", "sp", "1"],
    ["HINCRBYFLOAT", "h", "e", "1"],
    ["HINCRBYFLOAT", "h", "hex", "1"],
    ["HINCRBYFLOAT", "h", "f", "abc"],
    ["HINCRBYFLOAT", "h", "f", ""],
    ["HINCRBYFLOAT", "h", "f", "inf"],
    ["HINCRBYFLOAT", "h", "f", "-inf"],
    ["HINCRBYFLOAT", "h", "f", "nan"],
    ["HINCRBYFLOAT", "h", "f", "1e5000"],
    ["HSET", "h", "inf", "inf"],
    ["HINCRBYFLOAT", "h", "inf", "1"],
    ["HINCRBYFLOAT", "h", "n", "10"],
    ["HINCRBYFLOAT", "h", "n", "1.23456789"],
    ["HGETALL", "h"],
    ["HINCRBYFLOAT", "nokey", "f", "x"],
    ["EXISTS", "nokey"],
    ["HINCRBYFLOAT", "h", "f"],
  ],
  "hrandfield": [
    ["HRANDFIELD", "nokey"],
    ["HRANDFIELD", "nokey", "5"],
    ["HRANDFIELD", "nokey", "-5", "WITHVALUES"],
    ["HSET", "one", "a", "1"],
    ["HRANDFIELD", "one"],
    ["HRANDFIELD", "one", "1"],
    ["HRANDFIELD", "one", "-3"],
    ["HRANDFIELD", "one", "-3", "WITHVALUES"],
    ["HRANDFIELD", "one", "3", "withvalues"],
    ["HRANDFIELD", "one", "0"],
    ["HRANDFIELD", "one", "0", "WITHVALUES"],
    ["HSET", "h", "a", "1", "b", "2", "c", "3"],
    ["HRANDFIELD", "h", "3"],
    ["HRANDFIELD", "h", "10", "WITHVALUES"],
    randomFields(abc, "h", "2"),
    randomFields(abc, "h", "1"),
    randomFields(abc, "h", "2", "WITHVALUES"),
    randomFields(abc, "h", "-2"),
    randomFields(abc, "h", "-1", "WITHVALUES"),
    { args: ["HRANDFIELD", "h"], norm: (r) => typeof r === "string" && r in abc ? "known" : r },
    ["HRANDFIELD", "h", "x"],
    ["HRANDFIELD", "h", "1.5"],
    ["HRANDFIELD", "h", I64_MIN],
    ["HRANDFIELD", "h", "1", "WITHVALUE"],
    ["HRANDFIELD", "h", "1", "WITHVALUES", "x"],
    ["HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"],
    ["HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"],
    ["HRANDFIELD", "h", I64_MAX],
    ["HRANDFIELD", "nokey", "x"],
    ["HRANDFIELD", "nokey", "1", "WITHVALUE"],
  ],
  "hscan": [
    ["HSCAN", "nokey", "0"],
    ["HSCAN", "nokey", "0", "COUNT", "0"],
    ["HSCAN", "nokey", "0", "BOGUS"],
    ["HSCAN", "nokey", "x"],
    ["HSET", "h", "a", "1", "b", "2", "ab", "3"],
    ["HSCAN", "h", "0"],
    ["HSCAN", "h", "0", "COUNT", "1"],
    ["HSCAN", "h", "0", "MATCH", "a*"],
    ["HSCAN", "h", "0", "MATCH", "zz"],
    ["HSCAN", "h", "0", "COUNT", "1", "MATCH", "b"],
    ["HSCAN", "h", "0", "COUNT", "0"],
    ["HSCAN", "h", "0", "COUNT", "-1"],
    ["HSCAN", "h", "0", "COUNT", "x"],
    ["HSCAN", "h", "0", "COUNT"],
    ["HSCAN", "h", "0", "MATCH"],
    ["HSCAN", "h", "0", "BOGUS", "x"],
    ["HSCAN", "h", "x"],
    ["HSCAN", "h", "-1"],
    ["HSCAN", "h"],
    ["HSET", "big", ...pairs(600)],
    hscanOnce("big", "0", "COUNT", "10000"),
    hscanOnce("big", "0", "COUNT", "10000", "MATCH", "f1*"),
  ],
  "wrongtype": [
    ["SET", "str", "v"],
    ["HSET", "str", "a", "1"],
    ["HMSET", "str", "a", "1"],
    ["HSETNX", "str", "a", "1"],
    ["HGET", "str", "a"],
    ["HMGET", "str", "a"],
    ["HDEL", "str", "a"],
    ["HLEN", "str"],
    ["HEXISTS", "str", "a"],
    ["HGETALL", "str"],
    ["HKEYS", "str"],
    ["HVALS", "str"],
    ["HINCRBY", "str", "a", "1"],
    ["HINCRBY", "str", "a", "x"],
    ["HINCRBYFLOAT", "str", "a", "1"],
    ["HSTRLEN", "str", "a"],
    ["HRANDFIELD", "str"],
    ["HRANDFIELD", "str", "1"],
    ["HRANDFIELD", "str", "x"],
    ["HSCAN", "str", "0"],
    ["HSCAN", "str", "0", "COUNT", "0"],
    ["HSCAN", "str", "x"],
    ["GET", "str"],
    ["HSET", "h", "a", "1"],
    ["GET", "h"],
    ["TYPE", "h"],
    ["SADD", "h", "x"],
  ],
  "encoding and generic commands": [
    ["HSET", "h", ...pairs(512)],
    ["OBJECT", "ENCODING", "h"],
    ["HSET", "h", "one-more", "v"],
    ["OBJECT", "ENCODING", "h"],
    ["HSET", "v64", "f", "x".repeat(64)],
    ["OBJECT", "ENCODING", "v64"],
    ["HSET", "v65", "f", "x".repeat(65)],
    ["OBJECT", "ENCODING", "v65"],
    ["HSET", "f65", "x".repeat(65), "v"],
    ["OBJECT", "ENCODING", "f65"],
    ["HINCRBYFLOAT", "inc", "f", "1.5"],
    ["OBJECT", "ENCODING", "inc"],
    ["COPY", "v64", "copy"],
    ["HGETALL", "copy"],
    ["HSET", "copy", "g", "1"],
    ["HLEN", "v64"],
    ["RENAME", "copy", "renamed"],
    ["HGETALL", "renamed"],
    ["DEL", "renamed"],
    ["EXISTS", "renamed"],
    ["TYPE", "v64"],
  ],
};

differential("hash commands reply as redis-server 7 does", sections);

differential("a random hash workload matches redis-server", {
  "seed 1, small hashes": randomWorkload(1, 500, 60),
  "seed 2, large hashes": randomWorkload(2, 300, 2000),
});
