// Set commands (SADD, SPOP, SRANDMEMBER, SINTER/SUNION/SDIFF and their STORE forms, SSCAN ...),
// with Redis 7's replies and errors (t_set.c). A command that empties a set deletes its key.
// Also the HSCAN/SSCAN lookup shared with hashes.ts, and the count parsing shared with HRANDFIELD.
import type { Context } from "./context.ts";
import type { CommandSpec } from "./table.ts";
import {
  type CollectionClass,
  createCollection,
  deleteIfEmpty,
  readCollection,
  writeCollection,
} from "./collections.ts";
import { parseInt64 } from "./numbers.ts";
import { NOT_INTEGER, SYNTAX } from "./replies.ts";
import { parseScan, scanReply } from "./scan.ts";
import type { Collection } from "../store/keyspace.ts";
import { SetValue } from "../store/set.ts";

const newSet = () => new SetValue();

/**
 * Parses argument i as SRANDMEMBER's and HRANDFIELD's count, a C long other than LONG_MIN (its
 * negation must fit), replying with Redis's error when it is not one.
 */
export function parseCount(cx: Context, i: number): number | undefined {
  const n = parseInt64(cx.arg(i));
  if (n === undefined) {
    cx.out.error(NOT_INTEGER);
    return undefined;
  }
  if (n === -9223372036854775808n) {
    cx.out.error(
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
    );
    return undefined;
  }
  return Number(n);
}

/**
 * Parses argument i as a non-negative C long (SPOP's count, SINTERCARD's LIMIT), replying with
 * `error` when it is not one (a malformed number too, as Redis's getPositiveLongFromObjectOrReply).
 */
function parsePositive(
  cx: Context,
  i: number,
  error = "ERR value is out of range, must be positive",
): number | undefined {
  const n = parseInt64(cx.arg(i));
  if (n === undefined || n < 0) {
    cx.out.error(error);
    return undefined;
  }
  return Number(n);
}

/** A collection HSCAN or SSCAN can walk. */
interface Scannable extends Collection {
  /** `whole`: the walk will take every element in one call. */
  scan(whole: boolean): Iterator<string>;
}

/**
 * HSCAN and SSCAN: `key cursor [MATCH p] [COUNT n]`, checked in Redis's order (cursor, then the
 * key's type, then the options, which a missing key never reaches). As in Redis, a small
 * collection (listpack or intset encoded) comes whole in one call whatever the cursor.
 */
export function scanCollection<T extends Scannable>(
  cx: Context,
  kind: CollectionClass<T>,
  reply: (value: T, found: string[]) => void,
): void {
  // parseScan reads the cursor first: with the options hidden it checks only the cursor.
  const argc = cx.argc;
  cx.argc = 3;
  const cursorOk = parseScan(cx, 2) !== undefined;
  cx.argc = argc;
  if (!cursorOk) return;
  const value = readCollection(cx, cx.arg(1), kind);
  if (value === null) return;
  if (value === undefined) {
    cx.out.array(2);
    cx.out.bulk("0");
    return cx.out.array(0);
  }
  const req = parseScan(cx, 2);
  if (req === undefined) return;
  const whole = value.encoding() !== "hashtable";
  if (whole) {
    req.cursor = 0;
    req.count = value.size + 1;
  }
  scanReply(cx, req, value, () => value.scan(whole), (s) => s, (found) => reply(value, found));
}

function sadd(cx: Context): void {
  const s = createCollection(cx, cx.arg(1), SetValue, newSet);
  if (s === null) return;
  let added = 0;
  for (let i = 2; i < cx.argc; i++) if (s.add(cx.arg(i))) added++;
  cx.out.int(added);
}

function srem(cx: Context): void {
  const key = cx.arg(1);
  const s = writeCollection(cx, key, SetValue);
  if (s === null) return;
  if (s === undefined) return cx.out.int(0);
  let removed = 0;
  for (let i = 2; i < cx.argc; i++) if (s.delete(cx.arg(i))) removed++;
  deleteIfEmpty(cx, key, s);
  cx.out.int(removed);
}

function sismember(cx: Context): void {
  const s = readCollection(cx, cx.arg(1), SetValue);
  if (s !== null) cx.out.int(s?.has(cx.arg(2)) ? 1 : 0);
}

function smismember(cx: Context): void {
  const s = readCollection(cx, cx.arg(1), SetValue);
  if (s === null) return;
  cx.out.array(cx.argc - 2);
  for (let i = 2; i < cx.argc; i++) cx.out.int(s?.has(cx.arg(i)) ? 1 : 0);
}

function smembers(cx: Context): void {
  const s = readCollection(cx, cx.arg(1), SetValue);
  if (s !== null) cx.out.bulks(s?.ordered() ?? []);
}

function scard(cx: Context): void {
  const s = readCollection(cx, cx.arg(1), SetValue);
  if (s !== null) cx.out.int(s?.size ?? 0);
}

function spop(cx: Context): void {
  if (cx.argc > 3) return cx.out.error(SYNTAX);
  const key = cx.arg(1);
  if (cx.argc === 2) {
    const s = writeCollection(cx, key, SetValue);
    if (s === null) return;
    if (s === undefined) return cx.out.nil();
    const member = s.pop();
    deleteIfEmpty(cx, key, s);
    return cx.out.bulk(member);
  }
  const count = parsePositive(cx, 2);
  if (count === undefined) return;
  const s = writeCollection(cx, key, SetValue);
  if (s === null) return;
  if (s === undefined || count === 0) return cx.out.array(0);
  if (count >= s.size) {
    // Redis answers this case through SUNION's code, which reads the key again: a keyspace hit.
    cx.db.lookupRead(key);
    cx.out.bulks(s.ordered());
    cx.db.delete(key);
    return;
  }
  cx.out.array(count);
  for (let i = 0; i < count; i++) cx.out.bulk(s.pop());
}

function srandmember(cx: Context): void {
  if (cx.argc > 3) return cx.out.error(SYNTAX);
  if (cx.argc === 2) {
    const s = readCollection(cx, cx.arg(1), SetValue);
    if (s !== null) cx.out.bulkOrNil(s?.random());
    return;
  }
  const n = parseCount(cx, 2);
  if (n === undefined) return;
  const s = readCollection(cx, cx.arg(1), SetValue);
  if (s === null) return;
  if (s === undefined || n === 0) return cx.out.array(0);
  if (n < 0) {
    // Sampling with repetition: the count may exceed the size.
    cx.out.array(-n);
    for (let i = 0; i < -n; i++) cx.out.bulk(s.random());
    return;
  }
  cx.out.bulks(n >= s.size ? s.ordered() : s.sample(n));
}

function smove(cx: Context): void {
  const from = writeCollection(cx, cx.arg(1), SetValue);
  if (from === null) return;
  if (from === undefined) return cx.out.int(0);
  const toKey = cx.arg(2);
  const to = writeCollection(cx, toKey, SetValue);
  if (to === null) return;
  const member = cx.arg(3);
  if (from === to) return cx.out.int(from.has(member) ? 1 : 0);
  if (!from.delete(member)) return cx.out.int(0);
  deleteIfEmpty(cx, cx.arg(1), from);
  if (to === undefined) cx.db.set(toKey, SetValue.of([member]));
  else to.add(member);
  cx.out.int(1);
}

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
  const members = smallest.ordered();
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
  const numkeys = parseInt64(cx.arg(1));
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

function sscan(cx: Context): void {
  scanCollection(cx, SetValue, (_, members) => cx.out.bulks(members));
}

const readFast: CommandSpec["flags"] = ["readonly", "fast"];
const writeFast: CommandSpec["flags"] = ["write", "denyoom", "fast"];
const oneKey: [number, number, number] = [1, 1, 1];
const allKeys: [number, number, number] = [1, -1, 1];

/** Builds a set command's spec. */
function spec(
  name: string,
  arity: number,
  flags: CommandSpec["flags"],
  keys: [number, number, number] | undefined,
  since: string,
  syntax: string,
  summary: string,
  complexity: string,
  handler: (cx: Context) => void,
): CommandSpec {
  return { name, arity, flags, keys, group: "set", since, syntax, summary, complexity, handler };
}

const STORE_SUMMARY = "The result replaces the destination key; an empty result deletes it.";

export const setCommands: CommandSpec[] = [
  spec(
    "sadd",
    -3,
    writeFast,
    oneKey,
    "1.0.0",
    "key member [member ...]",
    "Adds one or more members to a set. Creates the key if it doesn't exist.",
    "O(1) for each element added, so O(N) to add N elements.",
    sadd,
  ),
  spec(
    "srem",
    -3,
    ["write", "fast"],
    oneKey,
    "1.0.0",
    "key member [member ...]",
    "Removes one or more members from a set. Deletes the set if the last member was removed.",
    "O(N) where N is the number of members to be removed.",
    srem,
  ),
  spec(
    "sismember",
    3,
    readFast,
    oneKey,
    "1.0.0",
    "key member",
    "Determines whether a member belongs to a set.",
    "O(1)",
    sismember,
  ),
  spec(
    "smismember",
    -3,
    readFast,
    oneKey,
    "6.2.0",
    "key member [member ...]",
    "Determines whether multiple members belong to a set.",
    "O(N) where N is the number of elements being checked for membership",
    smismember,
  ),
  spec(
    "smembers",
    2,
    ["readonly"],
    oneKey,
    "1.0.0",
    "key",
    "Returns all members of a set.",
    "O(N) where N is the set cardinality.",
    smembers,
  ),
  spec(
    "scard",
    2,
    readFast,
    oneKey,
    "1.0.0",
    "key",
    "Returns the number of members in a set.",
    "O(1)",
    scard,
  ),
  spec(
    "spop",
    -2,
    ["write", "fast"],
    oneKey,
    "1.0.0",
    "key [count]",
    "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.",
    "O(1) without the count argument, otherwise O(N) where N is the value of the passed count.",
    spop,
  ),
  spec(
    "srandmember",
    -2,
    ["readonly"],
    oneKey,
    "1.0.0",
    "key [count]",
    "Get one or multiple random members from a set (a negative count may repeat members).",
    "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.",
    srandmember,
  ),
  spec(
    "smove",
    4,
    ["write", "fast"],
    [1, 2, 1],
    "1.0.0",
    "source destination member",
    "Moves a member from one set to another.",
    "O(1)",
    smove,
  ),
  spec(
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
  spec(
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
  spec(
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
  spec(
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
  spec(
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
  spec(
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
  spec(
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
  spec(
    "sscan",
    -3,
    ["readonly"],
    oneKey,
    "2.8.0",
    "key cursor [MATCH pattern] [COUNT count]",
    "Iterates over members of a set (a small set comes whole in one call).",
    "O(1) for every call. O(N) for a complete iteration.",
    sscan,
  ),
];
