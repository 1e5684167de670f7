// Set commands on one set (SADD, SPOP, SRANDMEMBER, SMOVE, SSCAN ...), with Redis 7's replies
// and errors (t_set.c); the commands combining sets are in sets_algebra.ts. A command that
// empties a set deletes its key.
import type { Context } from "./context.ts";
import { type CommandSpec, specOf } from "./table.ts";
import { createCollection, deleteIfEmpty, readCollection, writeCollection } from "./collections.ts";
import { REPLY_TOO_LARGE, SYNTAX } from "./replies.ts";
import { MIN_BULK_BYTES } from "../protocol/encoder.ts";
import { setAlgebraCommands } from "./sets_algebra.ts";
import { parseCount, parsePositive } from "./args.ts";
import { scanCollection } from "./scan.ts";
import { SetValue } from "../store/set.ts";

const newSet = () => new SetValue();
const setSpec = specOf("set");

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
  // Reply first, then remove: a reply past the writer's limit throws before anything is gone.
  const popped = s.sample(count);
  cx.out.bulks(popped);
  for (const m of popped) s.delete(m);
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
    // Sampling with repetition: the count may exceed the size, but not the reply limit.
    if (!cx.out.fits(-n, MIN_BULK_BYTES)) return cx.out.error(REPLY_TOO_LARGE);
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

function sscan(cx: Context): void {
  scanCollection(cx, {
    kind: SetValue,
    walk: (s, whole) => s.scan(whole),
    reply: (_, members) => cx.out.bulks(members),
  });
}

const readFast: CommandSpec["flags"] = ["readonly", "fast"];
const writeFast: CommandSpec["flags"] = ["write", "denyoom", "fast"];
const oneKey: [number, number, number] = [1, 1, 1];

export const setCommands: CommandSpec[] = [
  setSpec(
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
  setSpec(
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
  setSpec(
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
  setSpec(
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
  setSpec(
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
  setSpec(
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
  setSpec(
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
  setSpec(
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
  setSpec(
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
  ...setAlgebraCommands,
  setSpec(
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
