// Sorted set commands on single members: ZADD and ZINCRBY, removal, scores and ranks, random
// members and ZSCAN, with Redis 7.0's replies and errors. Ranges are in zsets_range.ts, unions
// and intersections in zsets_algebra.ts, pops (blocking too) in zsets_pop.ts, score text in
// zsets_score.ts.
import type { Context } from "./context.ts";
import type { CommandSpec } from "./table.ts";
import {
  createCollection,
  deleteIfEmpty,
  readCollection,
  signalKeyReady,
  writeCollection,
} from "./collections.ts";
import { scanCollection } from "./scan.ts";
import { pairCountFits, parseCount } from "./args.ts";
import { sampleIndexes } from "../store/set.ts";
import { NOT_FLOAT, REPLY_TOO_LARGE, SYNTAX } from "./replies.ts";
import { MIN_BULK_BYTES } from "../protocol/encoder.ts";
import { argScore, NAN_SCORE, replyScore } from "./zsets_score.ts";
import { zsetRangeCommands } from "./zsets_range.ts";
import { zsetAlgebraCommands } from "./zsets_algebra.ts";
import { zsetPopCommands } from "./zsets_pop.ts";
import {
  ADDED,
  NAN,
  NOP,
  UPDATED,
  ZADD_GT,
  ZADD_INCR,
  ZADD_LT,
  ZADD_NX,
  ZADD_XX,
  ZsetValue,
} from "../store/zset.ts";

/**
 * The parsed scores of a ZADD of up to 64 pairs: one command runs at a time, so one array serves
 * them all, and the common ZADD allocates none (a bigger one gets its own).
 */
const SCORES = new Float64Array(64);

/** ZADD, and ZINCRBY (`flags` ZADD_INCR): Redis's zaddGenericCommand. */
function zaddGeneric(cx: Context, flags: number): void {
  let ch = false;
  let at = 2;
  // ZINCRBY reads options too, as Redis does: "ZINCRBY k nx m" is a syntax error.
  for (; at < cx.argc; at++) {
    if (cx.argIs(at, "nx")) flags |= ZADD_NX;
    else if (cx.argIs(at, "xx")) flags |= ZADD_XX;
    else if (cx.argIs(at, "ch")) ch = true;
    else if (cx.argIs(at, "incr")) flags |= ZADD_INCR;
    else if (cx.argIs(at, "gt")) flags |= ZADD_GT;
    else if (cx.argIs(at, "lt")) flags |= ZADD_LT;
    else break;
  }
  const rest = cx.argc - at;
  if (rest === 0 || rest % 2 !== 0) return cx.out.error(SYNTAX);
  const pairs = rest / 2;
  const nx = (flags & ZADD_NX) !== 0;
  if (nx && (flags & ZADD_XX)) {
    return cx.out.error("ERR XX and NX options at the same time are not compatible");
  }
  const gt = (flags & ZADD_GT) !== 0;
  const lt = (flags & ZADD_LT) !== 0;
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    return cx.out.error("ERR GT, LT, and/or NX options at the same time are not compatible");
  }
  const incr = (flags & ZADD_INCR) !== 0;
  if (incr && pairs > 1) {
    return cx.out.error("ERR INCR option supports a single increment-element pair");
  }
  // Every score is checked before anything changes: the command applies fully or not at all.
  const scores = pairs <= SCORES.length ? SCORES : new Float64Array(pairs);
  for (let j = 0; j < pairs; j++) {
    const s = argScore(cx, at + 2 * j);
    if (s === undefined) return cx.out.error(NOT_FLOAT);
    scores[j] = s;
  }
  const key = cx.arg(1);
  const found = writeCollection(cx, key, ZsetValue);
  if (found === null) return;
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  if (found !== undefined || !(flags & ZADD_XX)) {
    const z = found ?? createCollection(cx, key, ZsetValue, () => new ZsetValue())!;
    for (let j = 0; j < pairs; j++) {
      const out = z.add(cx.arg(at + 2 * j + 1), scores[j], flags);
      if (out === NAN) return cx.out.error(NAN_SCORE);
      if (out === ADDED) added++;
      else if (out === UPDATED) updated++;
      if (out !== NOP) {
        processed++;
        score = z.newScore;
      }
    }
    if (added > 0) signalKeyReady(cx, key);
  }
  if (!incr) return cx.out.int(ch ? added + updated : added);
  if (processed > 0) replyScore(cx, score);
  else cx.out.nil();
}

function zrem(cx: Context): void {
  const key = cx.arg(1);
  const z = writeCollection(cx, key, ZsetValue);
  if (z === null) return;
  if (z === undefined) return cx.out.int(0);
  let removed = 0;
  for (let i = 2; i < cx.argc; i++) {
    if (z.delete(cx.arg(i))) removed++;
    if (deleteIfEmpty(cx, key, z)) break;
  }
  cx.out.int(removed);
}

function zcard(cx: Context): void {
  const z = readCollection(cx, cx.arg(1), ZsetValue);
  if (z !== null) cx.out.int(z?.size ?? 0);
}

function zscore(cx: Context): void {
  const z = readCollection(cx, cx.arg(1), ZsetValue);
  if (z === null) return;
  const s = z?.score(cx.arg(2));
  if (s === undefined) cx.out.nil();
  else replyScore(cx, s);
}

function zmscore(cx: Context): void {
  const z = readCollection(cx, cx.arg(1), ZsetValue);
  if (z === null) return;
  cx.out.array(cx.argc - 2);
  for (let i = 2; i < cx.argc; i++) {
    const s = z?.score(cx.arg(i));
    if (s === undefined) cx.out.nil();
    else replyScore(cx, s);
  }
}

/** ZRANK and ZREVRANK (7.0: no WITHSCORE). */
function zrankGeneric(reverse: boolean): (cx: Context) => void {
  return (cx) => {
    const z = readCollection(cx, cx.arg(1), ZsetValue);
    if (z === null) return;
    const r = z?.rank(cx.arg(2)) ?? -1;
    if (r === -1) cx.out.nil();
    else cx.out.int(reverse ? z!.size - 1 - r : r);
  };
}

function zrandmember(cx: Context): void {
  if (cx.argc >= 3) {
    const n = parseCount(cx, 2);
    if (n === undefined) return;
    if (cx.argc > 4 || (cx.argc === 4 && !cx.argIs(3, "withscores"))) return cx.out.error(SYNTAX);
    const withScores = cx.argc === 4;
    if (withScores && !pairCountFits(cx, 2)) return;
    return randomMembers(cx, n, withScores);
  }
  const z = readCollection(cx, cx.arg(1), ZsetValue);
  if (z === null) return;
  if (z === undefined) return cx.out.nil();
  z.walk(Math.floor(Math.random() * z.size), 1, false, (m) => cx.out.bulk(m));
}

/** ZRANDMEMBER with a count: distinct members, or (negative count) picks that may repeat. */
function randomMembers(cx: Context, count: number, withScores: boolean): void {
  const z = readCollection(cx, cx.arg(1), ZsetValue);
  if (z === null) return;
  if (z === undefined || count === 0) return cx.out.array(0);
  const size = z.size;
  const emit = (m: string, s: number) => {
    cx.out.bulk(m);
    if (withScores) replyScore(cx, s);
  };
  const width = withScores ? 2 : 1;
  if (count < 0 || count === 1) {
    const picks = Math.abs(count);
    if (!cx.out.fits(picks * width, MIN_BULK_BYTES)) return cx.out.error(REPLY_TOO_LARGE);
    cx.out.array(picks * width);
    for (let i = 0; i < picks; i++) z.walk(Math.floor(Math.random() * size), 1, false, emit);
    return;
  }
  if (count >= size) {
    cx.out.array(size * width);
    return z.walk(0, size, false, emit);
  }
  cx.out.array(count * width);
  for (const r of sampleIndexes(size, count)) z.walk(r, 1, false, emit);
}

function zscan(cx: Context): void {
  scanCollection(cx, {
    kind: ZsetValue,
    walk: (z, whole) => {
      if (!whole) return z.scan()!;
      const all: string[] = []; // the small form lists its members in score order
      z.walk(0, z.size, false, (m) => all.push(m));
      return all.values();
    },
    reply: (z, found) => {
      cx.out.array(found.length * 2);
      for (const m of found) {
        cx.out.bulk(m);
        replyScore(cx, z.score(m)!);
      }
    },
    keep: (z, m) => z.score(m) !== undefined,
  });
}

const readFast: CommandSpec["flags"] = ["readonly", "fast"];
const oneKey: [number, number, number] = [1, 1, 1];
const common = { group: "sorted_set" } as const;

/** Every sorted set command. */
export const zsetCommands: CommandSpec[] = [
  {
    ...common,
    name: "zadd",
    arity: -4,
    flags: ["write", "denyoom", "fast"],
    keys: oneKey,
    since: "1.2.0",
    syntax: "key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]",
    summary:
      "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist.",
    complexity: "O(log(N)) for each item added, where N is the number of elements in the set.",
    handler: (cx) => zaddGeneric(cx, 0),
  },
  {
    ...common,
    name: "zincrby",
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    keys: oneKey,
    since: "1.2.0",
    syntax: "key increment member",
    summary: "Increments the score of a member in a sorted set.",
    complexity: "O(log(N)) where N is the number of elements in the sorted set.",
    handler: (cx) => zaddGeneric(cx, ZADD_INCR),
  },
  {
    ...common,
    name: "zrem",
    arity: -3,
    flags: ["write", "fast"],
    keys: oneKey,
    since: "1.2.0",
    syntax: "key member [member ...]",
    summary:
      "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.",
    complexity:
      "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.",
    handler: zrem,
  },
  {
    ...common,
    name: "zcard",
    arity: 2,
    flags: readFast,
    keys: oneKey,
    since: "1.2.0",
    syntax: "key",
    summary: "Returns the number of members in a sorted set.",
    complexity: "O(1)",
    handler: zcard,
  },
  {
    ...common,
    name: "zscore",
    arity: 3,
    flags: readFast,
    keys: oneKey,
    since: "1.2.0",
    syntax: "key member",
    summary: "Returns the score of a member in a sorted set.",
    complexity: "O(1)",
    handler: zscore,
  },
  {
    ...common,
    name: "zmscore",
    arity: -3,
    flags: readFast,
    keys: oneKey,
    since: "6.2.0",
    syntax: "key member [member ...]",
    summary: "Returns the score of one or more members in a sorted set.",
    complexity: "O(N) where N is the number of members being requested.",
    handler: zmscore,
  },
  {
    ...common,
    name: "zrank",
    arity: 3,
    flags: readFast,
    keys: oneKey,
    since: "2.0.0",
    syntax: "key member",
    summary: "Returns the index of a member in a sorted set ordered by ascending scores.",
    complexity: "O(log(N))",
    handler: zrankGeneric(false),
  },
  {
    ...common,
    name: "zrevrank",
    arity: 3,
    flags: readFast,
    keys: oneKey,
    since: "2.0.0",
    syntax: "key member",
    summary: "Returns the index of a member in a sorted set ordered by descending scores.",
    complexity: "O(log(N))",
    handler: zrankGeneric(true),
  },
  {
    ...common,
    name: "zrandmember",
    arity: -2,
    flags: ["readonly"],
    keys: oneKey,
    since: "6.2.0",
    syntax: "key [count [WITHSCORES]]",
    summary: "Returns one or more random members from a sorted set.",
    complexity: "O(N) where N is the number of members returned",
    handler: zrandmember,
  },
  {
    ...common,
    name: "zscan",
    arity: -3,
    flags: ["readonly"],
    keys: oneKey,
    since: "2.8.0",
    syntax: "key cursor [MATCH pattern] [COUNT count]",
    summary: "Iterates over members and scores of a sorted set.",
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
    handler: zscan,
  },
  ...zsetRangeCommands,
  ...zsetAlgebraCommands,
  ...zsetPopCommands,
];
