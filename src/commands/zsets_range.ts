// Sorted set ranges: ZRANGE in all its forms (by rank, score or lex, reversed, with LIMIT,
// stored with ZRANGESTORE), the older ZREVRANGE/ZRANGEBYSCORE/... commands, ZCOUNT, ZLEXCOUNT
// and the ZREMRANGEBY* deletions. Every range becomes a span of ranks [from, to): the number of
// members below the lower end and the number up to the upper end, each found in O(log n).
import type { Context } from "./context.ts";
import type { CommandSpec } from "./table.ts";
import { deleteIfEmpty, readCollection, signalKeyReady, writeCollection } from "./collections.ts";
import { NOT_INTEGER, SYNTAX } from "./replies.ts";
import { parseRangeScore, replyScore } from "./zsets_score.ts";
import { clampRange, parseLong } from "./args.ts";
import { type LexBound, ZsetValue } from "../store/zset.ts";

const NOT_FLOAT_RANGE = "ERR min or max is not a float";
const NOT_LEX_RANGE = "ERR min or max not valid string range item";

/** A span of ranks [from, to) of a sorted set (empty when to <= from). */
interface Span {
  from: number;
  to: number;
}

/** A parsed score range: the ends and whether each is exclusive ("("). */
interface ScoreRange {
  min: number;
  minEx: boolean;
  max: number;
  maxEx: boolean;
}

/** A parsed lex range ("[a", "(a", "-", "+"). */
interface LexRange {
  min: LexBound;
  minEx: boolean;
  max: LexBound;
  maxEx: boolean;
}

function parseScoreEnd(s: string): [number, boolean] | undefined {
  const ex = s.charCodeAt(0) === 40; // "("
  const v = parseRangeScore(ex ? s.slice(1) : s);
  return v === undefined ? undefined : [v, ex];
}

/** Redis's zslParseRange on arguments `lo` and `hi`, replying its error when either is bad. */
function parseScoreRange(cx: Context, lo: number, hi: number): ScoreRange | undefined {
  const min = parseScoreEnd(cx.arg(lo));
  const max = min && parseScoreEnd(cx.arg(hi));
  if (min === undefined || max === undefined) {
    cx.out.error(NOT_FLOAT_RANGE);
    return undefined;
  }
  return { min: min[0], minEx: min[1], max: max[0], maxEx: max[1] };
}

const MINUS: LexBound = { inf: -1, value: "" };
const PLUS: LexBound = { inf: 1, value: "" };

function parseLexEnd(s: string): [LexBound, boolean] | undefined {
  const c = s[0];
  // C compares the byte after "+" or "-" with NUL, so "+\0..." is still "+".
  if (c === "+" || c === "-") {
    if (s.length > 1 && s[1] !== "\0") return undefined;
    return [c === "+" ? PLUS : MINUS, true];
  }
  if (c === "(" || c === "[") return [{ inf: 0, value: s.slice(1) }, c === "("];
  return undefined;
}

/** Redis's zslParseLexRange on arguments `lo` and `hi`, replying its error when either is bad. */
function parseLexRange(cx: Context, lo: number, hi: number): LexRange | undefined {
  const min = parseLexEnd(cx.arg(lo));
  const max = min && parseLexEnd(cx.arg(hi));
  if (min === undefined || max === undefined) {
    cx.out.error(NOT_LEX_RANGE);
    return undefined;
  }
  return { min: min[0], minEx: min[1], max: max[0], maxEx: max[1] };
}

function scoreSpan(z: ZsetValue, r: ScoreRange): Span {
  return { from: z.countScoreBelow(r.min, r.minEx), to: z.countScoreBelow(r.max, !r.maxEx) };
}

function lexSpan(z: ZsetValue, r: LexRange): Span {
  return { from: z.countLexBelow(r.min, r.minEx), to: z.countLexBelow(r.max, !r.maxEx) };
}

/** Rank arguments (negative from the end) as a span of `length` (see clampRange). */
function rankSpan(start: number, end: number, length: number): Span {
  const r = clampRange(start, end, length);
  return r === null ? { from: 0, to: 0 } : { from: r[0], to: r[1] + 1 };
}

type RangeKind = "auto" | "rank" | "score" | "lex";
type Direction = "auto" | "forward" | "reverse";

/**
 * Redis's zrangeGenericCommand: the key is argument `at`, min and max follow, then options.
 * With `store`, the result goes to the key in argument 1 (ZRANGESTORE) and its size is the reply.
 */
function zrangeGeneric(
  cx: Context,
  at: number,
  store: boolean,
  kind: RangeKind,
  direction: Direction,
): void {
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = at + 3; j < cx.argc; j++) {
    const left = cx.argc - j - 1;
    if (!store && cx.argIs(j, "withscores")) withScores = true;
    else if (cx.argIs(j, "limit") && left >= 2) {
      const o = cx.argInt(j + 1);
      const l = o === undefined ? undefined : cx.argInt(j + 2);
      if (o === undefined || l === undefined) return cx.out.error(NOT_INTEGER);
      offset = Number(o);
      limit = Number(l);
      j += 2;
    } else if (direction === "auto" && cx.argIs(j, "rev")) direction = "reverse";
    else if (kind === "auto" && cx.argIs(j, "bylex")) kind = "lex";
    else if (kind === "auto" && cx.argIs(j, "byscore")) kind = "score";
    else return cx.out.error(SYNTAX);
  }
  const reverse = direction === "reverse";
  if (kind === "auto") kind = "rank";
  if (limit !== -1 && kind === "rank") {
    return cx.out.error(
      "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
    );
  }
  if (withScores && kind === "lex") {
    return cx.out.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  }
  // Reversed score and lex ranges are given max first.
  const [lo, hi] = reverse && kind !== "rank" ? [at + 2, at + 1] : [at + 1, at + 2];
  let start = 0;
  let end = 0;
  let scores: ScoreRange | undefined;
  let lex: LexRange | undefined;
  if (kind === "rank") {
    const s = parseLong(cx, lo);
    const e = s === undefined ? undefined : parseLong(cx, hi);
    if (s === undefined || e === undefined) return;
    start = s;
    end = e;
  } else if (kind === "score") {
    if ((scores = parseScoreRange(cx, lo, hi)) === undefined) return;
  } else if ((lex = parseLexRange(cx, lo, hi)) === undefined) return;

  const z = readCollection(cx, cx.arg(at), ZsetValue);
  if (z === null) return;
  // The first rank walked (from the low end) and how many, walking down when reversed.
  let first = 0;
  let count = 0;
  if (z !== undefined) {
    if (kind === "rank") {
      const span = rankSpan(start, end, z.size);
      count = span.to - span.from;
      first = reverse ? z.size - 1 - span.from : span.from;
    } else {
      const span = kind === "score" ? scoreSpan(z, scores!) : lexSpan(z, lex!);
      // A negative offset skips past everything in Redis; a negative limit means no limit.
      if (offset >= 0) {
        first = reverse ? span.to - 1 - offset : span.from + offset;
        count = reverse ? first - span.from + 1 : span.to - first;
        if (limit >= 0 && limit < count) count = limit;
      }
    }
  }
  if (count < 0) count = 0;
  if (store) return storeRange(cx, z, first, count, reverse);
  cx.out.array(withScores ? 2 * count : count);
  if (count === 0) return;
  z!.walk(first, count, reverse, (m, s) => {
    cx.out.bulk(m);
    if (withScores) replyScore(cx, s);
  });
}

/** ZRANGESTORE's end: the walked members replace the destination, or delete it when none. */
function storeRange(
  cx: Context,
  z: ZsetValue | undefined,
  first: number,
  count: number,
  reverse: boolean,
): void {
  const dst = cx.arg(1);
  if (z === undefined || count === 0) {
    cx.db.delete(dst);
    return cx.out.int(0);
  }
  const members: string[] = [];
  const scores: number[] = [];
  z.walk(first, count, reverse, (m, s) => {
    members.push(m);
    scores.push(s);
  });
  cx.db.set(dst, ZsetValue.of(members, scores));
  signalKeyReady(cx, dst);
  cx.out.int(members.length);
}

function zcount(cx: Context): void {
  const r = parseScoreRange(cx, 2, 3);
  if (r === undefined) return;
  const z = readCollection(cx, cx.arg(1), ZsetValue);
  if (z === null) return;
  const span = z === undefined ? { from: 0, to: 0 } : scoreSpan(z, r);
  cx.out.int(Math.max(0, span.to - span.from));
}

function zlexcount(cx: Context): void {
  const r = parseLexRange(cx, 2, 3);
  if (r === undefined) return;
  const z = readCollection(cx, cx.arg(1), ZsetValue);
  if (z === null) return;
  const span = z === undefined ? { from: 0, to: 0 } : lexSpan(z, r);
  cx.out.int(Math.max(0, span.to - span.from));
}

/** ZREMRANGEBYRANK, ZREMRANGEBYSCORE and ZREMRANGEBYLEX. */
function zremrange(kind: "rank" | "score" | "lex"): (cx: Context) => void {
  return (cx) => {
    let spanOf: (z: ZsetValue) => Span;
    if (kind === "rank") {
      const s = parseLong(cx, 2);
      const e = s === undefined ? undefined : parseLong(cx, 3);
      if (s === undefined || e === undefined) return;
      spanOf = (z) => rankSpan(s, e, z.size);
    } else if (kind === "score") {
      const r = parseScoreRange(cx, 2, 3);
      if (r === undefined) return;
      spanOf = (z) => scoreSpan(z, r);
    } else {
      const r = parseLexRange(cx, 2, 3);
      if (r === undefined) return;
      spanOf = (z) => lexSpan(z, r);
    }
    const key = cx.arg(1);
    const z = writeCollection(cx, key, ZsetValue);
    if (z === null) return;
    if (z === undefined) return cx.out.int(0);
    const { from, to } = spanOf(z);
    const removed = Math.max(0, to - from);
    z.deleteRange(from, to);
    deleteIfEmpty(cx, key, z);
    cx.out.int(removed);
  };
}

const oneKey: [number, number, number] = [1, 1, 1];

function rangeSpec(
  name: string,
  since: string,
  syntax: string,
  summary: string,
  handler: (cx: Context) => void,
  complexity =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
): CommandSpec {
  return {
    name,
    arity: -4,
    flags: ["readonly"],
    keys: oneKey,
    group: "sorted_set",
    since,
    syntax,
    summary,
    complexity,
    handler,
  };
}

/** The range commands. */
export const zsetRangeCommands: CommandSpec[] = [
  rangeSpec(
    "zrange",
    "1.2.0",
    "key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]",
    "Returns members in a sorted set within a range of indexes, scores or lexicographical order.",
    (cx) => zrangeGeneric(cx, 1, false, "auto", "auto"),
  ),
  {
    ...rangeSpec(
      "zrangestore",
      "6.2.0",
      "dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]",
      "Stores a range of members from sorted set in a key.",
      (cx) => zrangeGeneric(cx, 2, true, "auto", "auto"),
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.",
    ),
    arity: -5,
    flags: ["write", "denyoom"],
    keys: [1, 2, 1],
  },
  rangeSpec(
    "zrevrange",
    "1.2.0",
    "key start stop [WITHSCORES]",
    "Returns members in a sorted set within a range of indexes in reverse order.",
    (cx) => zrangeGeneric(cx, 1, false, "rank", "reverse"),
  ),
  rangeSpec(
    "zrangebyscore",
    "1.0.5",
    "key min max [WITHSCORES] [LIMIT offset count]",
    "Returns members in a sorted set within a range of scores.",
    (cx) => zrangeGeneric(cx, 1, false, "score", "forward"),
  ),
  rangeSpec(
    "zrevrangebyscore",
    "2.2.0",
    "key max min [WITHSCORES] [LIMIT offset count]",
    "Returns members in a sorted set within a range of scores in reverse order.",
    (cx) => zrangeGeneric(cx, 1, false, "score", "reverse"),
  ),
  rangeSpec(
    "zrangebylex",
    "2.8.9",
    "key min max [LIMIT offset count]",
    "Returns members in a sorted set within a lexicographical range.",
    (cx) => zrangeGeneric(cx, 1, false, "lex", "forward"),
  ),
  rangeSpec(
    "zrevrangebylex",
    "2.8.9",
    "key max min [LIMIT offset count]",
    "Returns members in a sorted set within a lexicographical range in reverse order.",
    (cx) => zrangeGeneric(cx, 1, false, "lex", "reverse"),
  ),
  {
    ...rangeSpec(
      "zcount",
      "2.0.0",
      "key min max",
      "Returns the count of members in a sorted set that have scores within a range.",
      zcount,
      "O(log(N)) with N being the number of elements in the sorted set.",
    ),
    arity: 4,
    flags: ["readonly", "fast"],
  },
  {
    ...rangeSpec(
      "zlexcount",
      "2.8.9",
      "key min max",
      "Returns the number of members in a sorted set within a lexicographical range.",
      zlexcount,
      "O(log(N)) with N being the number of elements in the sorted set.",
    ),
    arity: 4,
    flags: ["readonly", "fast"],
  },
  ...([
    ["rank", "2.0.0", "key start stop", "within a range of indexes"],
    ["score", "1.2.0", "key min max", "within a range of scores"],
    ["lex", "2.8.9", "key min max", "within a lexicographical range"],
  ] as const).map(([kind, since, syntax, what]) => ({
    ...rangeSpec(
      `zremrangeby${kind}`,
      since,
      syntax,
      `Removes members in a sorted set ${what}. Deletes the sorted set if all members were removed.`,
      zremrange(kind),
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
    ),
    arity: 4,
    flags: ["write"] as CommandSpec["flags"],
  })),
];
