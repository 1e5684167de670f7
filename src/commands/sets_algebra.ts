// The set algebra commands: SINTER, SINTERCARD, SUNION, SDIFF and the STORE forms, with Redis
// 7's replies and errors (t_set.c).
import type { Context } from "./context.ts";
import { type CommandSpec, specOf } from "./table.ts";
import { readCollection } from "./collections.ts";
import { parsePositive } from "./args.ts";
import { SYNTAX } from "./replies.ts";
import { SetValue } from "../store/set.ts";

/**
 * The sets at keys [from, to), a missing key as undefined; null after replying WRONGTYPE.
 * Every key is looked up as a read (a keyspace hit or miss), as Redis does.
 */
function sourceSets(cx: Context, from: number, to: number): (SetValue | undefined)[] | null {
  const sets: (SetValue | undefined)[] = [];
  for (let i = from; i < to; i++) {
    const s = readCollection(cx, cx.arg(i), SetValue);
    if (s === null) return null;
    sets.push(s);
  }
  return sets;
}

/**
 * Calls `fn` for each member of the intersection of `sets` (undefined: an empty set) until it
 * returns false: walks the smallest set and probes the others, smallest first.
 */
function intersect(sets: (SetValue | undefined)[], fn: (member: string) => boolean): void {
  if (sets.some((s) => s === undefined)) return;
  const bySize = (sets as SetValue[]).slice().sort((a, b) => a.size - b.size);
  const [smallest, ...rest] = bySize;
  // In no particular order: the callers sort what Redis lists in order (an intset result).
  const members = smallest.values();
  for (let i = 0; i < members.length; i++) {
    const m = members[i];
    let inAll = true;
    for (const s of rest) {
      if (!s.has(m)) {
        inAll = false;
        break;
      }
    }
    if (inAll && !fn(m)) return;
  }
}

const INTER = 0;
const UNION = 1;
const DIFF = 2;

/** The members of the intersection, union or difference of `sets`. */
function combine(sets: (SetValue | undefined)[], op: number): SetValue {
  const result = new SetValue();
  if (op === INTER) {
    intersect(sets, (m) => {
      result.add(m);
      return true;
    });
  } else if (op === UNION) {
    for (const s of sets) if (s !== undefined) { for (const m of s.values()) result.add(m); }
  } else if (sets[0] !== undefined) {
    const others = sets.slice(1).filter((s) => s !== undefined) as SetValue[];
    for (const m of sets[0].values()) if (!others.some((s) => s.has(m))) result.add(m);
  }
  return result;
}

/** SINTER, SUNION and SDIFF: the result as an array. */
function combineCommand(op: number): (cx: Context) => void {
  return (cx) => {
    const sets = sourceSets(cx, 1, cx.argc);
    if (sets !== null) cx.out.bulks(combine(sets, op).ordered());
  };
}

/**
 * SINTERSTORE, SUNIONSTORE and SDIFFSTORE: the result replaces the destination whatever it
 * held (its TTL goes too); an empty result deletes it. Replies with the result's size.
 */
function storeCommand(op: number): (cx: Context) => void {
  return (cx) => {
    const sets = sourceSets(cx, 2, cx.argc);
    if (sets === null) return;
    const result = combine(sets, op);
    const dest = cx.arg(1);
    if (result.size === 0) cx.db.delete(dest);
    else cx.db.set(dest, result);
    cx.out.int(result.size);
  };
}

function sintercard(cx: Context): void {
  const numkeys = cx.argInt(1);
  if (numkeys === undefined || numkeys < 1) {
    return cx.out.error("ERR numkeys should be greater than 0");
  }
  if (numkeys > cx.argc - 2) {
    return cx.out.error("ERR Number of keys can't be greater than number of args");
  }
  const keysEnd = 2 + Number(numkeys);
  let limit = 0;
  for (let i = keysEnd; i < cx.argc; i++) {
    if (!cx.argIs(i, "limit") || i + 1 >= cx.argc) return cx.out.error(SYNTAX);
    const n = parsePositive(cx, ++i, "ERR LIMIT can't be negative");
    if (n === undefined) return;
    limit = n;
  }
  const sets = sourceSets(cx, 2, keysEnd);
  if (sets === null) return;
  let count = 0;
  intersect(sets, () => ++count !== limit);
  cx.out.int(count);
}

const setSpec = specOf("set");

const allKeys: [number, number, number] = [1, -1, 1];
const STORE_SUMMARY = "The result replaces the destination key; an empty result deletes it.";

/** The set algebra commands' specs, in the order the README lists them. */
export const setAlgebraCommands: CommandSpec[] = [
  setSpec(
    "sinter",
    -2,
    ["readonly"],
    allKeys,
    "1.0.0",
    "key [key ...]",
    "Returns the intersect of multiple sets.",
    "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    combineCommand(INTER),
  ),
  setSpec(
    "sintercard",
    -3,
    ["readonly"],
    undefined,
    "7.0.0",
    "numkeys key [key ...] [LIMIT limit]",
    "Returns the number of members of the intersect of multiple sets.",
    "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    sintercard,
  ),
  setSpec(
    "sinterstore",
    -3,
    ["write", "denyoom"],
    allKeys,
    "1.0.0",
    "destination key [key ...]",
    `Stores the intersect of multiple sets in a key. ${STORE_SUMMARY}`,
    "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    storeCommand(INTER),
  ),
  setSpec(
    "sunion",
    -2,
    ["readonly"],
    allKeys,
    "1.0.0",
    "key [key ...]",
    "Returns the union of multiple sets.",
    "O(N) where N is the total number of elements in all given sets.",
    combineCommand(UNION),
  ),
  setSpec(
    "sunionstore",
    -3,
    ["write", "denyoom"],
    allKeys,
    "1.0.0",
    "destination key [key ...]",
    `Stores the union of multiple sets in a key. ${STORE_SUMMARY}`,
    "O(N) where N is the total number of elements in all given sets.",
    storeCommand(UNION),
  ),
  setSpec(
    "sdiff",
    -2,
    ["readonly"],
    allKeys,
    "1.0.0",
    "key [key ...]",
    "Returns the difference of multiple sets.",
    "O(N) where N is the total number of elements in all given sets.",
    combineCommand(DIFF),
  ),
  setSpec(
    "sdiffstore",
    -3,
    ["write", "denyoom"],
    allKeys,
    "1.0.0",
    "destination key [key ...]",
    `Stores the difference of multiple sets in a key. ${STORE_SUMMARY}`,
    "O(N) where N is the total number of elements in all given sets.",
    storeCommand(DIFF),
  ),
];
