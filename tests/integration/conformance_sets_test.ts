// Differential conformance of the set commands with redis-server 7 (see
// tests/helpers/differential.ts). Set order is unspecified, so replies listing members are
// compared sorted, and random picks by their shape (length, membership, distinctness).
import type { Reply } from "../helpers/raw.ts";
import { type Case, differential, sorted, type Step } from "../helpers/differential.ts";

const I64_MAX = "9223372036854775807";
const I64_MIN = "-9223372036854775808";
const BIN = "a\r\nb\0c\xff\x80\r\n";

/** Members m0..m(n-1) (or with another prefix). */
function members(n: number, prefix = "m"): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

/** Integers 0..n-1 as members. */
function ints(n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, i) => String(from + i));
}

/** An SSCAN expected to finish in one call: the cursor and the sorted members. */
const sscanOnce = (...args: string[]): Step => ({
  args: ["SSCAN", ...args],
  norm: (r) => Array.isArray(r) && Array.isArray(r[1]) ? [r[0], [...r[1]].sort()] : r,
});

/**
 * A random pick (SRANDMEMBER, SPOP) compared by shape: length, whether every member is one of
 * `from`, and for distinct picks how many distinct members came.
 */
function randomPick(from: string[], distinct: boolean, ...args: string[]): Step {
  const known = new Set(from);
  return {
    args,
    norm: (r: Reply) => {
      if (typeof r === "string") return known.has(r) ? "known member" : r;
      if (!Array.isArray(r)) return r;
      const all = r.every((m) => known.has(m as string));
      return [r.length, all ? "known" : "unknown", distinct ? new Set(r).size : "may repeat"];
    },
  };
}

const abc = ["a", "b", "c"];

/**
 * A seeded random workload over three sets of integers and strings drawn from `size` values:
 * adds, removals, moves, membership, the algebra and its STORE forms. Listing replies are
 * compared sorted: Redis keeps a set that once held a string as a hashtable (unordered).
 */
function randomWorkload(seed: number, steps: number, size: number): Case[] {
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const int = (n: number) => Math.floor(rand() * n);
  const member = () => (rand() < 0.7 ? String(int(size) - 10) : "m" + int(size));
  const key = () => ["a", "b", "c"][int(3)];
  const keys = () => Array.from({ length: 1 + int(3) }, key);
  const cases: Case[] = [];
  for (let i = 0; i < steps; i++) {
    const r = int(15);
    if (r < 4) {
      const args = ["SADD", key()];
      for (let k = 0, n = 1 + int(size / 5); k < n; k++) args.push(member());
      cases.push(args);
    } else if (r < 6) {
      const args = ["SREM", key()];
      for (let k = 0, n = 1 + int(size / 8); k < n; k++) args.push(member());
      cases.push(args);
    } else if (r === 6) cases.push(["SMOVE", key(), key(), member()]);
    else if (r === 7) cases.push(["SISMEMBER", key(), member()], ["SCARD", key()]);
    else if (r === 8) cases.push(["SMISMEMBER", key(), member(), member()], ["EXISTS", key()]);
    else if (r === 9) cases.push(sorted("SMEMBERS", key()));
    else if (r === 10) cases.push(sorted(["SINTER", "SUNION", "SDIFF"][int(3)], ...keys()));
    else if (r === 11) {
      cases.push([["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"][int(3)], key(), ...keys()]);
    } else if (r === 12) {
      const ks = keys();
      cases.push(["SINTERCARD", String(ks.length), ...ks, "LIMIT", String(int(5))]);
    } else if (r === 13) cases.push(sorted("SRANDMEMBER", key(), "100000"));
    else if (rand() < 0.2) cases.push(sorted("SPOP", key(), "100000"));
  }
  return cases;
}

const sections: Record<string, Case[]> = {
  "sadd srem sismember smismember scard smembers": [
    ["SADD", "s", "a", "b", "c"],
    ["SADD", "s", "a", "d", "d"],
    ["SCARD", "s"],
    sorted("SMEMBERS", "s"),
    ["SISMEMBER", "s", "a"],
    ["SISMEMBER", "s", "zz"],
    ["SISMEMBER", "nokey", "a"],
    ["SMISMEMBER", "s", "a", "zz", "d"],
    ["SMISMEMBER", "nokey", "a", "b"],
    ["SREM", "s", "a", "zz"],
    ["SREM", "s", "a"],
    ["SREM", "nokey", "a"],
    ["SCARD", "nokey"],
    ["SMEMBERS", "nokey"],
    ["SADD", "s", "", BIN],
    ["SISMEMBER", "s", BIN],
    ["SISMEMBER", "s", ""],
    sorted("SMEMBERS", "s"),
    ["SREM", "s", "b", "c", "d", "", BIN],
    ["EXISTS", "s"],
    ["SADD", "s"],
    ["SADD"],
    ["SREM", "s"],
    ["SISMEMBER", "s"],
    ["SISMEMBER", "s", "a", "b"],
    ["SMISMEMBER", "s"],
    ["SCARD", "s", "x"],
    ["SMEMBERS"],
    ["sadd", "lower", "x"],
    ["SiSmEmBeR", "lower", "x"],
    ["SADD", "t", "x"],
    ["EXPIRE", "t", "100"],
    ["SADD", "t", "y"],
    ["TTL", "t"],
    ["SREM", "t", "x", "y"],
    ["TTL", "t"],
    ["EXISTS", "t"],
  ],
  "spop": [
    ["SPOP", "nokey"],
    ["SPOP", "nokey", "3"],
    ["SPOP", "nokey", "0"],
    ["SPOP", "nokey", "-1"],
    ["SPOP", "nokey", "x"],
    ["SADD", "one", "a"],
    ["SPOP", "one"],
    ["EXISTS", "one"],
    ["SADD", "s", "a", "b", "c"],
    randomPick(abc, true, "SPOP", "s"),
    ["SCARD", "s"],
    ["SADD", "s", "a", "b", "c"],
    randomPick(abc, true, "SPOP", "s", "2"),
    ["SCARD", "s"],
    ["SPOP", "s", "0"],
    ["SADD", "s", "a", "b", "c"],
    { args: ["SPOP", "s", "3"], norm: (r) => Array.isArray(r) ? [...r].sort() : r },
    ["EXISTS", "s"],
    ["SADD", "s", "a", "b", "c"],
    { args: ["SPOP", "s", "10"], norm: (r) => Array.isArray(r) ? [...r].sort() : r },
    ["EXISTS", "s"],
    ["SADD", "s", "a"],
    ["SPOP", "s", "-1"],
    ["SPOP", "s", "x"],
    ["SPOP", "s", "1.5"],
    ["SPOP", "s", I64_MIN],
    ["SPOP", "s", "1", "2"],
    ["SPOP"],
    ["SADD", "big", ...members(300)],
    randomPick(members(300), true, "SPOP", "big", "100"),
    ["SCARD", "big"],
    ["SADD", "ints", ...ints(20)],
    randomPick(ints(20), true, "SPOP", "ints", "5"),
    ["SCARD", "ints"],
  ],
  "srandmember": [
    ["SRANDMEMBER", "nokey"],
    ["SRANDMEMBER", "nokey", "3"],
    ["SRANDMEMBER", "nokey", "-3"],
    ["SRANDMEMBER", "nokey", "x"],
    ["SADD", "one", "a"],
    ["SRANDMEMBER", "one"],
    ["SRANDMEMBER", "one", "1"],
    ["SRANDMEMBER", "one", "-4"],
    ["SRANDMEMBER", "one", "0"],
    ["SADD", "s", "a", "b", "c"],
    sorted("SRANDMEMBER", "s", "3"),
    sorted("SRANDMEMBER", "s", "30"),
    sorted("SRANDMEMBER", "s", I64_MAX),
    randomPick(abc, true, "SRANDMEMBER", "s"),
    randomPick(abc, true, "SRANDMEMBER", "s", "2"),
    randomPick(abc, true, "SRANDMEMBER", "s", "1"),
    randomPick(abc, false, "SRANDMEMBER", "s", "-10"),
    ["SCARD", "s"],
    ["SRANDMEMBER", "s", "x"],
    ["SRANDMEMBER", "s", "1.5"],
    ["SRANDMEMBER", "s", I64_MIN],
    ["SRANDMEMBER", "s", "1", "2"],
    ["SRANDMEMBER", "nokey", "1", "2"],
    ["SRANDMEMBER"],
    ["SADD", "big", ...members(1000)],
    randomPick(members(1000), true, "SRANDMEMBER", "big", "10"),
    randomPick(members(1000), true, "SRANDMEMBER", "big", "900"),
    randomPick(members(1000), false, "SRANDMEMBER", "big", "-50"),
  ],
  "smove": [
    ["SADD", "src", "a", "b"],
    ["SMOVE", "src", "dst", "a"],
    ["SMOVE", "src", "dst", "zz"],
    ["SMOVE", "nokey", "dst", "a"],
    sorted("SMEMBERS", "dst"),
    ["SMOVE", "src", "dst", "b"],
    ["EXISTS", "src"],
    sorted("SMEMBERS", "dst"),
    ["SADD", "src", "a"],
    ["SMOVE", "src", "dst", "a"],
    ["EXISTS", "src"],
    ["SCARD", "dst"],
    ["SMOVE", "dst", "dst", "a"],
    ["SMOVE", "dst", "dst", "zz"],
    ["SCARD", "dst"],
    ["SET", "str", "v"],
    ["SMOVE", "str", "dst", "a"],
    ["SMOVE", "dst", "str", "a"],
    ["SMOVE", "nokey", "str", "a"],
    ["SMOVE", "dst", "str", "zz"],
    ["SCARD", "dst"],
    ["SMOVE", "src", "dst"],
  ],
  "sinter sunion sdiff": [
    ["SADD", "s1", "a", "b", "c", "d"],
    ["SADD", "s2", "c", "d", "e"],
    ["SADD", "s3", "a", "c", "e", "f"],
    sorted("SINTER", "s1", "s2"),
    sorted("SINTER", "s1", "s2", "s3"),
    sorted("SINTER", "s1"),
    sorted("SINTER", "s1", "nokey"),
    sorted("SINTER", "nokey", "s1"),
    sorted("SINTER", "s1", "s1"),
    sorted("SUNION", "s1", "s2"),
    sorted("SUNION", "s1", "s2", "s3", "nokey"),
    sorted("SUNION", "nokey"),
    sorted("SDIFF", "s1", "s2"),
    sorted("SDIFF", "s1", "s2", "s3"),
    sorted("SDIFF", "s1", "nokey"),
    sorted("SDIFF", "nokey", "s1"),
    sorted("SDIFF", "s1", "s1"),
    ["SET", "str", "v"],
    ["SINTER", "s1", "str"],
    ["SINTER", "nokey", "str"],
    ["SINTER", "str", "nokey"],
    ["SUNION", "s1", "str"],
    ["SDIFF", "s1", "str"],
    ["SDIFF", "nokey", "str"],
    ["SINTER"],
    ["SUNION"],
    ["SDIFF"],
    ["SADD", "big", ...members(600)],
    ["SADD", "big2", ...members(700, "m")],
    sorted("SINTER", "big", "big2", "s1"),
    { args: ["SCARD", "big"] },
    ["SINTERSTORE", "bi", "big", "big2"],
    ["SDIFFSTORE", "bd", "big2", "big"],
    sorted("SMEMBERS", "bd"),
  ],
  "store commands": [
    ["SADD", "s1", "a", "b", "c"],
    ["SADD", "s2", "b", "c", "d"],
    ["SINTERSTORE", "dst", "s1", "s2"],
    sorted("SMEMBERS", "dst"),
    ["SUNIONSTORE", "dst", "s1", "s2"],
    sorted("SMEMBERS", "dst"),
    ["SDIFFSTORE", "dst", "s1", "s2"],
    sorted("SMEMBERS", "dst"),
    ["SET", "str", "v", "EX", "100"],
    ["SINTERSTORE", "str", "s1", "s2"],
    ["TYPE", "str"],
    ["TTL", "str"],
    ["SET", "str", "v"],
    ["SUNIONSTORE", "str", "s1"],
    ["TYPE", "str"],
    ["SET", "str", "v"],
    ["SDIFFSTORE", "str", "s1", "s1"],
    ["EXISTS", "str"],
    ["SADD", "dst", "x"],
    ["SINTERSTORE", "dst", "s1", "nokey"],
    ["EXISTS", "dst"],
    ["SADD", "dst", "x"],
    ["SUNIONSTORE", "dst", "nokey"],
    ["EXISTS", "dst"],
    ["SADD", "dst", "x"],
    ["SDIFFSTORE", "dst", "nokey", "s1"],
    ["EXISTS", "dst"],
    ["SINTERSTORE", "s1", "s1", "s2"],
    sorted("SMEMBERS", "s1"),
    ["SADD", "s1", "a"],
    ["SUNIONSTORE", "s1", "s1", "s2"],
    sorted("SMEMBERS", "s1"),
    ["SET", "str", "v"],
    ["SINTERSTORE", "dst", "s1", "str"],
    ["SUNIONSTORE", "dst", "str"],
    ["SDIFFSTORE", "dst", "s1", "str"],
    ["SINTERSTORE", "dst", "nokey", "str"],
    ["SADD", "d2", "x"],
    ["SDIFFSTORE", "d2", "str"],
    ["SMEMBERS", "d2"],
    ["SINTERSTORE", "dst"],
    ["SUNIONSTORE", "dst"],
    ["SDIFFSTORE"],
  ],
  "sintercard": [
    ["SADD", "s1", "a", "b", "c", "d"],
    ["SADD", "s2", "b", "c", "d", "e"],
    ["SINTERCARD", "2", "s1", "s2"],
    ["SINTERCARD", "1", "s1"],
    ["SINTERCARD", "2", "s1", "nokey"],
    ["SINTERCARD", "2", "s1", "s2", "LIMIT", "2"],
    ["SINTERCARD", "2", "s1", "s2", "limit", "0"],
    ["SINTERCARD", "2", "s1", "s2", "LIMIT", "100"],
    ["SINTERCARD", "2", "s1", "s2", "LIMIT", "1", "LIMIT", "2"],
    ["SINTERCARD", "2", "s1", "s2", "LIMIT", "-1"],
    ["SINTERCARD", "2", "s1", "s2", "LIMIT", "x"],
    ["SINTERCARD", "2", "s1", "s2", "LIMIT"],
    ["SINTERCARD", "2", "s1", "s2", "BOGUS"],
    ["SINTERCARD", "2", "s1", "s2", "BOGUS", "1"],
    ["SINTERCARD", "0", "s1"],
    ["SINTERCARD", "-1", "s1"],
    ["SINTERCARD", "x", "s1"],
    ["SINTERCARD", I64_MAX, "s1"],
    ["SINTERCARD", "3", "s1", "s2"],
    ["SINTERCARD", "1"],
    ["SET", "str", "v"],
    ["SINTERCARD", "2", "s1", "str"],
    ["SINTERCARD", "2", "nokey", "str"],
  ],
  "sscan": [
    ["SSCAN", "nokey", "0"],
    ["SSCAN", "nokey", "0", "COUNT", "0"],
    ["SSCAN", "nokey", "x"],
    ["SADD", "s", "a", "b", "ab"],
    sscanOnce("s", "0"),
    sscanOnce("s", "0", "MATCH", "a*"),
    sscanOnce("s", "0", "MATCH", "zz"),
    ["SSCAN", "s", "0", "COUNT", "0"],
    ["SSCAN", "s", "0", "COUNT", "x"],
    ["SSCAN", "s", "0", "MATCH"],
    ["SSCAN", "s", "0", "BOGUS", "1"],
    ["SSCAN", "s", "x"],
    ["SSCAN", "s"],
    ["SADD", "ints", ...ints(100)],
    sscanOnce("ints", "0"),
    sscanOnce("ints", "0", "MATCH", "1*"),
    ["SADD", "big", ...members(600)],
    sscanOnce("big", "0", "COUNT", "10000"),
    sscanOnce("big", "0", "COUNT", "10000", "MATCH", "m1?"),
  ],
  "integer sets list in order": [
    ["SADD", "i1", "5", "-3", "100", "0", "42", I64_MAX, I64_MIN],
    ["SADD", "i2", "42", "7", "5", "-3", "9"],
    ["SMEMBERS", "i1"],
    ["SINTER", "i1", "i2"],
    ["SUNION", "i1", "i2"],
    ["SDIFF", "i1", "i2"],
    ["SRANDMEMBER", "i1", "100"],
    ["SSCAN", "i1", "0"],
    ["SSCAN", "i1", "0", "MATCH", "*4*"],
    ["SUNIONSTORE", "u", "i1", "i2"],
    ["SMEMBERS", "u"],
    ["SPOP", "u", "50"],
    ["SADD", "i2", "x"],
    sorted("SMEMBERS", "i2"),
  ],
  "wrongtype": [
    ["SET", "str", "v"],
    ["SADD", "str", "a"],
    ["SREM", "str", "a"],
    ["SISMEMBER", "str", "a"],
    ["SMISMEMBER", "str", "a"],
    ["SMEMBERS", "str"],
    ["SCARD", "str"],
    ["SPOP", "str"],
    ["SPOP", "str", "1"],
    ["SPOP", "str", "x"],
    ["SRANDMEMBER", "str"],
    ["SRANDMEMBER", "str", "1"],
    ["SSCAN", "str", "0"],
    ["SSCAN", "str", "0", "COUNT", "0"],
    ["HSET", "h", "a", "1"],
    ["SADD", "h", "a"],
    ["SADD", "s", "a"],
    ["HGET", "s", "a"],
    ["GET", "s"],
    ["TYPE", "s"],
  ],
  "encoding and generic commands": [
    ["SADD", "ints", ...ints(512)],
    ["OBJECT", "ENCODING", "ints"],
    ["SADD", "ints", "512"],
    ["OBJECT", "ENCODING", "ints"],
    ["SADD", "neg", "-1", I64_MIN, I64_MAX, "0"],
    ["OBJECT", "ENCODING", "neg"],
    ["SADD", "big", ...members(600)],
    ["OBJECT", "ENCODING", "big"],
    ["SADD", "long", "x".repeat(65)],
    ["OBJECT", "ENCODING", "long"],
    ["SADD", "short", "a", "b"],
    ["OBJECT", "ENCODING", "short"],
    ["SADD", "noncanonical", "1", "01"],
    ["OBJECT", "ENCODING", "noncanonical"],
    ["COPY", "neg", "copy"],
    sorted("SMEMBERS", "copy"),
    ["SADD", "copy", "5"],
    ["SCARD", "neg"],
    ["RENAME", "copy", "renamed"],
    ["SCARD", "renamed"],
    ["DEL", "renamed"],
    ["EXISTS", "renamed"],
    ["TYPE", "neg"],
  ],
};

differential("set commands reply as redis-server 7 does", sections);

differential("a random set workload matches redis-server", {
  "seed 1, small sets": randomWorkload(1, 500, 40),
  "seed 2, large sets": randomWorkload(2, 300, 1500),
});
