// Argument parsing several command families share, with Redis's error replies: each helper
// returns the parsed value, or undefined once it has replied the error. Also Redis's rank
// ranges (LRANGE, ZRANGE: negatives count from the end).
import type { Context } from "./context.ts";
import { INT64_MIN } from "./numbers.ts";
import { NOT_INTEGER, SYNTAX } from "./replies.ts";

function fail(cx: Context, error: string): undefined {
  cx.out.error(error);
  return undefined;
}

/** Argument i as a C long (Redis's getLongFromObjectOrReply). */
export function parseLong(cx: Context, i: number): number | undefined {
  const n = cx.argInt(i);
  return n === undefined ? fail(cx, NOT_INTEGER) : Number(n);
}

/**
 * Argument i as a non-negative C long (the COUNT of LPOP, SPOP, ZPOPMIN ..., SINTERCARD's and
 * ZINTERCARD's LIMIT), replying `error` when it is not one, a malformed number too (Redis's
 * getPositiveLongFromObjectOrReply).
 */
export function parsePositive(
  cx: Context,
  i: number,
  error = "ERR value is out of range, must be positive",
): number | undefined {
  const n = cx.argInt(i);
  return n === undefined || n < 0 ? fail(cx, error) : Number(n);
}

/**
 * Argument i as the count of SRANDMEMBER, HRANDFIELD and ZRANDMEMBER: a C long other than
 * LONG_MIN (its negation must fit).
 */
export function parseCount(cx: Context, i: number): number | undefined {
  const n = cx.argInt(i);
  if (n === undefined) return fail(cx, NOT_INTEGER);
  if (n === INT64_MIN) {
    return fail(
      cx,
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
    );
  }
  return Number(n);
}

/** Redis's bound on a count whose reply has pairs (LONG_MAX / 2), so count × 2 fits. */
const MAX_PAIR_COUNT = 4611686018427387903n;

/**
 * False, after replying Redis's error, when the count at argument i (valid, see parseCount) is
 * past LONG_MAX / 2 either way: HRANDFIELD ... WITHVALUES, ZRANDMEMBER ... WITHSCORES. Compared
 * exactly, as a bigint: the bound is not a JavaScript number.
 */
export function pairCountFits(cx: Context, i: number): boolean {
  const n = BigInt(cx.arg(i));
  if ((n < 0n ? -n : n) <= MAX_PAIR_COUNT) return true;
  cx.out.error("ERR value is out of range");
  return false;
}

/** A parsed LMPOP / ZMPOP (and blocking forms) request. */
export interface MultiPop {
  keys: string[];
  /** True for the second of the two end words (RIGHT, MAX). */
  second: boolean;
  count: number;
}

/**
 * Parses `numkeys key... END [COUNT count]` from argument `at`, where END is one of `ends`
 * (LEFT|RIGHT, MIN|MAX), as Redis's lmpop and zmpop generic commands do.
 */
export function parseMultiPop(
  cx: Context,
  at: number,
  ends: readonly [string, string],
): MultiPop | undefined {
  const n = cx.argInt(at);
  if (n === undefined || n < 1) return fail(cx, "ERR numkeys should be greater than 0");
  const whereAt = at + 1 + Number(n);
  if (whereAt >= cx.argc) return fail(cx, SYNTAX);
  let second: boolean;
  if (cx.argIs(whereAt, ends[0])) second = false;
  else if (cx.argIs(whereAt, ends[1])) second = true;
  else return fail(cx, SYNTAX);
  let count = -1;
  for (let j = whereAt + 1; j < cx.argc; j++) {
    if (count === -1 && cx.argIs(j, "count") && j + 1 < cx.argc) {
      const c = cx.argInt(++j);
      if (c === undefined || c < 1) return fail(cx, "ERR count should be greater than 0");
      count = Number(c);
    } else {
      return fail(cx, SYNTAX);
    }
  }
  return { keys: cx.args(at + 1, whereAt), second, count: count === -1 ? 1 : count };
}

/**
 * Clamps Redis rank bounds [start, end] (negatives count from the end) to a collection of
 * `len` elements: the first and last rank, or null when the range is empty.
 */
export function clampRange(start: number, end: number, len: number): [number, number] | null {
  if (start < 0) start = Math.max(0, len + start);
  if (end < 0) end = len + end;
  if (end >= len) end = len - 1;
  if (start > end || start >= len) return null;
  return [start, end];
}
