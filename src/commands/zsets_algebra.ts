// Sorted set algebra: ZUNION, ZINTER, ZDIFF, their *STORE forms and ZINTERCARD, following
// Redis 7.0's zunionInterDiffGenericCommand: plain sets count as members of score 1, WEIGHTS
// multiply (a NaN product is 0), AGGREGATE SUM|MIN|MAX (inf + -inf is 0), and the inputs are
// taken smallest first, which also fixes the order floating point sums are made in.
import type { Context } from "./context.ts";
import type { CommandSpec } from "./table.ts";
import { signalKeyReady } from "./collections.ts";
import { parsePositive } from "./args.ts";
import { NOT_INTEGER, SYNTAX, WRONGTYPE } from "./replies.ts";
import { argScore, replyScore } from "./zsets_score.ts";
import { ZsetValue } from "../store/zset.ts";
import { SetValue } from "../store/set.ts";

/** One input: a sorted set, a plain set, or a missing key (empty). */
interface Source {
  zset: ZsetValue | undefined;
  set: SetValue | undefined;
  size: number;
  weight: number;
}

type Op = "union" | "inter" | "diff";
type Aggregate = "sum" | "min" | "max";

/** The score of `member` in a source (1 in a plain set), or undefined. */
function find(src: Source, member: string): number | undefined {
  if (src.zset !== undefined) return src.zset.score(member);
  return src.set?.has(member) ? 1 : undefined;
}

/** Calls fn with every member and score of a source. */
function each(src: Source, fn: (m: string, s: number) => void): void {
  if (src.zset !== undefined) src.zset.walk(0, src.size, false, fn);
  else if (src.set !== undefined) { for (const m of src.set.values()) fn(m, 1); }
}

/** zunionInterAggregate: folds `value` into `target`. */
function aggregate(how: Aggregate, target: number, value: number): number {
  if (how === "sum") {
    const r = target + value;
    return Number.isNaN(r) ? 0 : r;
  }
  if (how === "min") return value < target ? value : target;
  return value > target ? value : target;
}

/**
 * The shared command: numkeys at argument `at`, then the keys and options. `dst` is the STORE
 * destination; `cardinality` makes it ZINTERCARD (with LIMIT).
 */
function zsetOp(cx: Context, at: number, op: Op, dst: string | undefined, cardinality = false) {
  const n = cx.argInt(at);
  if (n === undefined) return cx.out.error(NOT_INTEGER);
  if (n < 1) {
    const name = cx.arg(0).toLowerCase();
    return cx.out.error(`ERR at least 1 input key is needed for '${name}' command`);
  }
  if (n > cx.argc - (at + 1)) return cx.out.error(SYNTAX);
  const setnum = Number(n);
  const sources: Source[] = [];
  let j = at + 1;
  // Keys are read (and counted as hits or misses) before the options are looked at.
  for (let i = 0; i < setnum; i++, j++) {
    const v = cx.db.lookupRead(cx.arg(j));
    const src: Source = { zset: undefined, set: undefined, size: 0, weight: 1 };
    if (v instanceof ZsetValue) src.zset = v;
    else if (v instanceof SetValue) src.set = v;
    else if (v !== undefined) return cx.out.error(WRONGTYPE);
    src.size = src.zset?.size ?? src.set?.size ?? 0;
    sources.push(src);
  }
  let how: Aggregate = "sum";
  let withScores = false;
  let limit = 0;
  while (j < cx.argc) {
    const remaining = cx.argc - j;
    if (op !== "diff" && !cardinality && remaining >= setnum + 1 && cx.argIs(j, "weights")) {
      j++;
      for (let i = 0; i < setnum; i++, j++) {
        const w = argScore(cx, j);
        if (w === undefined) return cx.out.error("ERR weight value is not a float");
        sources[i].weight = w;
      }
    } else if (op !== "diff" && !cardinality && remaining >= 2 && cx.argIs(j, "aggregate")) {
      j++;
      if (cx.argIs(j, "sum")) how = "sum";
      else if (cx.argIs(j, "min")) how = "min";
      else if (cx.argIs(j, "max")) how = "max";
      else return cx.out.error(SYNTAX);
      j++;
    } else if (dst === undefined && !cardinality && cx.argIs(j, "withscores")) {
      j++;
      withScores = true;
    } else if (cardinality && remaining >= 2 && cx.argIs(j, "limit")) {
      const l = parsePositive(cx, j + 1, "ERR LIMIT can't be negative");
      if (l === undefined) return;
      limit = l;
      j += 2;
    } else {
      return cx.out.error(SYNTAX);
    }
  }
  if (op !== "diff") sources.sort((a, b) => a.size - b.size); // stable, as glibc's qsort here

  const members: string[] = [];
  const scores: number[] = [];
  if (op === "inter") {
    if (sources[0].size > 0) {
      const first = sources[0];
      let count = 0;
      let stop = false;
      each(first, (m, s) => {
        if (stop) return;
        let score = first.weight * s;
        if (Number.isNaN(score)) score = 0;
        for (let i = 1; i < setnum; i++) {
          const other = find(sources[i], m);
          if (other === undefined) return;
          score = aggregate(how, score, other * sources[i].weight);
        }
        if (cardinality) {
          count++;
          if (limit && count >= limit) stop = true;
          return;
        }
        members.push(m);
        scores.push(score);
      });
      if (cardinality) return cx.out.int(count);
    }
  } else if (op === "union") {
    const acc = new Map<string, number>();
    for (const src of sources) {
      each(src, (m, s) => {
        let score = src.weight * s;
        if (Number.isNaN(score)) score = 0;
        const prev = acc.get(m);
        acc.set(m, prev === undefined ? score : aggregate(how, prev, score));
      });
    }
    for (const [m, s] of acc) {
      members.push(m);
      scores.push(s);
    }
  } else if (sources[0].size > 0) {
    each(sources[0], (m, s) => {
      for (let i = 1; i < setnum; i++) if (find(sources[i], m) !== undefined) return;
      members.push(m);
      scores.push(s);
    });
  }
  if (cardinality) return cx.out.int(0);
  if (dst !== undefined) {
    if (members.length === 0) {
      cx.db.delete(dst);
      return cx.out.int(0);
    }
    // Stored in the form Redis would convert the result to (a small one turns -0 into 0).
    const result = ZsetValue.of(members, scores);
    cx.db.set(dst, result);
    signalKeyReady(cx, dst);
    return cx.out.int(result.size);
  }
  // Replied straight from the sorted result, as Redis replies from its skip list.
  const order = members.map((_, i) => i).sort((a, b) => {
    const sa = scores[a];
    const sb = scores[b];
    if (sa !== sb) return sa < sb ? -1 : 1;
    return members[a] < members[b] ? -1 : members[a] > members[b] ? 1 : 0;
  });
  cx.out.array(withScores ? 2 * order.length : order.length);
  for (const i of order) {
    cx.out.bulk(members[i]);
    if (withScores) replyScore(cx, scores[i]);
  }
}

function spec(
  name: string,
  op: Op,
  store: boolean,
  summary: string,
  complexity: string,
): CommandSpec {
  const options = op === "diff" ? "" : " [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX]";
  return {
    name,
    arity: store ? -4 : -3,
    flags: store ? ["write", "denyoom"] : ["readonly"],
    keys: store ? [1, 1, 1] : undefined,
    group: "sorted_set",
    since: op === "diff" || !store ? "6.2.0" : "2.0.0",
    syntax: store
      ? `destination numkeys key [key ...]${options}`
      : `numkeys key [key ...]${options} [WITHSCORES]`,
    summary,
    complexity,
    handler: store ? (cx) => zsetOp(cx, 2, op, cx.arg(1)) : (cx) => zsetOp(cx, 1, op, undefined),
  };
}

const UNION_COST =
  "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.";
const INTER_COST =
  "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.";
const DIFF_COST =
  "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.";

/** The algebra commands. */
export const zsetAlgebraCommands: CommandSpec[] = [
  spec("zunion", "union", false, "Returns the union of multiple sorted sets.", UNION_COST),
  spec(
    "zunionstore",
    "union",
    true,
    "Stores the union of multiple sorted sets in a key.",
    UNION_COST,
  ),
  spec("zinter", "inter", false, "Returns the intersect of multiple sorted sets.", INTER_COST),
  spec(
    "zinterstore",
    "inter",
    true,
    "Stores the intersect of multiple sorted sets in a key.",
    INTER_COST,
  ),
  spec("zdiff", "diff", false, "Returns the difference between multiple sorted sets.", DIFF_COST),
  spec(
    "zdiffstore",
    "diff",
    true,
    "Stores the difference of multiple sorted sets in a key.",
    DIFF_COST,
  ),
  {
    name: "zintercard",
    arity: -3,
    flags: ["readonly"],
    group: "sorted_set",
    since: "7.0.0",
    syntax: "numkeys key [key ...] [LIMIT limit]",
    summary: "Returns the number of members of the intersect of multiple sorted sets.",
    complexity:
      "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.",
    handler: (cx) => zsetOp(cx, 1, "inter", undefined, true),
  },
];
