// Sorted set pops: ZPOPMIN, ZPOPMAX and ZMPOP, with Redis 7.0's reply shapes (flat for
// ZPOP*, [key, [[member, score], ...]] for ZMPOP), and the blocking forms BZPOPMIN, BZPOPMAX
// ([key, member, score]) and BZMPOP, which wait through blocking.ts.
import type { Context } from "./context.ts";
import type { CommandSpec } from "./table.ts";
import { deleteIfEmpty } from "./collections.ts";
import { parseMultiPop, parsePositive } from "./args.ts";

/** ZMPOP's ends: MAX is the second. */
const MIN_MAX = ["min", "max"] as const;
import { SYNTAX, WRONGTYPE } from "./replies.ts";
import { replyScore } from "./zsets_score.ts";
import { ZsetValue } from "../store/zset.ts";
import { block, parseTimeout } from "../blocking.ts";

/** ZPOPMIN and ZPOPMAX: key [count]. */
function zpop(max: boolean): (cx: Context) => void {
  return (cx) => {
    if (cx.argc > 3) return cx.out.error(SYNTAX);
    let count = -1;
    if (cx.argc === 3) {
      const n = parsePositive(cx, 2);
      if (n === undefined) return;
      count = n;
    }
    popFrom(cx, [cx.arg(1)], max, false, count, false);
  };
}

/**
 * Redis's genericZpopCommand: pops up to `count` (-1: one, flat reply) members from the first
 * of `keys` holding a sorted set, replying `[m, s, ...]`, or `[key, m, s]` with `emitKey`
 * (BZPOP*), or `[key, [[m, s], ...]]` with `nested` (ZMPOP, BZMPOP, which get a nil array
 * when no key holds a set). Returns false when there was nothing to pop (nothing replied then
 * for blocking callers, which pass `blocking`).
 */
export function popFrom(
  cx: Context,
  keys: readonly string[],
  max: boolean,
  emitKey: boolean,
  count: number,
  nested: boolean,
  blocking = false,
): boolean {
  let z: ZsetValue | undefined;
  let key = "";
  for (const k of keys) {
    const v = cx.db.get(k);
    if (v === undefined) continue;
    if (!(v instanceof ZsetValue)) {
      cx.out.error(WRONGTYPE);
      return true;
    }
    z = v;
    key = k;
    break;
  }
  if (z === undefined) {
    if (blocking) return false;
    if (nested) cx.out.nilArray();
    else cx.out.array(0);
    return true;
  }
  if (count === 0) {
    cx.out.array(0);
    return true;
  }
  const n = Math.min(count === -1 ? 1 : count, z.size);
  popReply(cx, z, key, max, n, emitKey, nested);
  deleteIfEmpty(cx, key, z);
  return true;
}

function zmpop(cx: Context): void {
  const p = parseMultiPop(cx, 1, MIN_MAX);
  if (p !== undefined) popFrom(cx, p.keys, p.second, true, p.count, true);
}

/** Replies with the `n` lowest (or highest) members of `z` in the shape asked, and pops them. */
function popReply(
  cx: Context,
  z: ZsetValue,
  key: string,
  max: boolean,
  n: number,
  emitKey: boolean,
  nested: boolean,
): void {
  if (nested) {
    cx.out.array(2);
    cx.out.bulk(key);
    cx.out.array(n);
  } else if (emitKey) {
    cx.out.array(2 * n + 1);
    cx.out.bulk(key);
  } else {
    cx.out.array(2 * n);
  }
  z.walk(max ? z.size - 1 : 0, n, max, (m, s) => {
    if (nested) cx.out.array(2);
    cx.out.bulk(m);
    replyScore(cx, s);
  });
  if (max) z.deleteRange(z.size - n, z.size);
  else z.deleteRange(0, n);
}

/**
 * The blocking pops: pops at once when one of `keys` holds a sorted set, else blocks until one
 * gets members (ZADD, ZINCRBY, Z*STORE signal it) or the timeout passes (a nil array).
 */
function blockingPop(
  cx: Context,
  keys: readonly string[],
  max: boolean,
  count: number,
  nested: boolean,
  timeoutMs: number,
): void {
  if (popFrom(cx, keys, max, true, count, nested, true)) return;
  block(cx, keys, timeoutMs, (key) => {
    // Served later: the request is gone, so only the captured keys, side and count are used.
    const v = cx.db.get(key);
    if (!(v instanceof ZsetValue) || v.size === 0) return false;
    return popFrom(cx, [key], max, true, count, nested);
  });
}

/** BZPOPMIN and BZPOPMAX: key [key ...] timeout; replies [key, member, score]. */
function bzpop(max: boolean): (cx: Context) => void {
  return (cx) => {
    const timeout = parseTimeout(cx, cx.argc - 1);
    if (timeout === undefined) return;
    blockingPop(cx, cx.args(1, cx.argc - 1), max, -1, false, timeout);
  };
}

/** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count], timeout checked last as Redis. */
function bzmpop(cx: Context): void {
  const p = parseMultiPop(cx, 2, MIN_MAX);
  if (p === undefined) return;
  const timeout = parseTimeout(cx, 1);
  if (timeout === undefined) return;
  blockingPop(cx, p.keys, p.second, p.count, true, timeout);
}

/** The pop commands. */
export const zsetPopCommands: CommandSpec[] = [
  {
    group: "sorted_set",
    name: "zpopmin",
    arity: -2,
    flags: ["write", "fast"],
    keys: [1, 1, 1],
    since: "5.0.0",
    syntax: "key [count]",
    summary:
      "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.",
    complexity:
      "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
    handler: zpop(false),
  },
  {
    group: "sorted_set",
    name: "zpopmax",
    arity: -2,
    flags: ["write", "fast"],
    keys: [1, 1, 1],
    since: "5.0.0",
    syntax: "key [count]",
    summary:
      "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.",
    complexity:
      "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
    handler: zpop(true),
  },
  {
    group: "sorted_set",
    name: "zmpop",
    arity: -4,
    flags: ["write"],
    since: "7.0.0",
    syntax: "numkeys key [key ...] MIN | MAX [COUNT count]",
    summary:
      "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.",
    complexity:
      "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
    handler: zmpop,
  },
  {
    group: "sorted_set",
    name: "bzpopmin",
    arity: -3,
    flags: ["write", "noscript", "fast"],
    keys: [1, -2, 1],
    since: "5.0.0",
    syntax: "key [key ...] timeout",
    summary:
      "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    handler: bzpop(false),
  },
  {
    group: "sorted_set",
    name: "bzpopmax",
    arity: -3,
    flags: ["write", "noscript", "fast"],
    keys: [1, -2, 1],
    since: "5.0.0",
    syntax: "key [key ...] timeout",
    summary:
      "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped.",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    handler: bzpop(true),
  },
  {
    group: "sorted_set",
    name: "bzmpop",
    arity: -5,
    flags: ["write"],
    since: "7.0.0",
    syntax: "timeout numkeys key [key ...] MIN | MAX [COUNT count]",
    summary:
      "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.",
    complexity:
      "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
    handler: bzmpop,
  },
];
