// List commands: pushes, pops, ranges, edits and searches, with Redis 7.0's replies and errors
// (t_list.c). The moves, multi-key pops and the blocking forms live in lists_blocking.ts.
import type { Context } from "./context.ts";
import { type CommandSpec, specOf } from "./table.ts";
import {
  createCollection,
  deleteIfEmpty,
  readCollection,
  signalKeyReady,
  writeCollection,
} from "./collections.ts";
import { INT64_MIN } from "./numbers.ts";
import { clampRange, parseLong, parsePositive } from "./args.ts";
import { NO_SUCH_KEY, NOT_INTEGER, SYNTAX } from "./replies.ts";
import { ListValue } from "../store/list.ts";
import { blockingListCommands } from "./lists_blocking.ts";

/** The list at `key` for a read command; undefined when missing, null after WRONGTYPE. */
export function readList(cx: Context, key: string): ListValue | undefined | null {
  return readCollection(cx, key, ListValue);
}

/** The list at `key` for a write command; undefined when missing, null after WRONGTYPE. */
export function writeList(cx: Context, key: string): ListValue | undefined | null {
  return writeCollection(cx, key, ListValue);
}

/** A new, empty list. */
export const newList = (): ListValue => new ListValue();

/** LPUSH, RPUSH (create the list) and LPUSHX, RPUSHX (only onto an existing one). */
function push(front: boolean, onlyExisting: boolean): (cx: Context) => void {
  return (cx) => {
    const key = cx.arg(1);
    const list = onlyExisting ? writeList(cx, key) : createCollection(cx, key, ListValue, newList);
    if (list === null) return;
    if (list === undefined) return cx.out.int(0);
    const { mem, starts, ends } = cx;
    for (let i = 2; i < cx.argc; i++) {
      // Straight from the request bytes: no string is made for a pushed element.
      if (front) list.pushFrontBytes(mem.bytes, starts[i], ends[i]);
      else list.pushBackBytes(mem.bytes, starts[i], ends[i]);
    }
    cx.out.int(list.length);
    signalKeyReady(cx, key);
  };
}

/** Pops `count` elements (at most the list's length) and replies them as an array. */
export function popRangeReply(cx: Context, list: ListValue, front: boolean, count: number): void {
  const len = list.length;
  const n = Math.min(count, len);
  // Reply first, straight from the packed bytes, then remove: a reply past the writer's limit
  // throws before anything is gone.
  cx.out.array(n);
  if (n > 0) list.writeRange(front ? 0 : len - n, front ? n : len, !front, cx.out);
  if (front) list.trim(n, len);
  else list.trim(0, len - n);
}

/** LPOP and RPOP: key [count]. */
function pop(front: boolean): (cx: Context) => void {
  return (cx) => {
    if (cx.argc > 3) {
      return cx.out.error(`ERR wrong number of arguments for '${front ? "lpop" : "rpop"}' command`);
    }
    let count = -1;
    if (cx.argc === 3) {
      const n = parsePositive(cx, 2);
      if (n === undefined) return;
      count = n;
    }
    const key = cx.arg(1);
    const list = writeList(cx, key);
    if (list === null) return;
    if (list === undefined) return count === -1 ? cx.out.nil() : cx.out.nilArray();
    if (count === 0) return cx.out.array(0);
    if (count === -1) list.popInto(front, cx.out);
    else popRangeReply(cx, list, front, count);
    deleteIfEmpty(cx, key, list);
  };
}

function llen(cx: Context): void {
  const list = readList(cx, cx.arg(1));
  if (list !== null) cx.out.int(list === undefined ? 0 : list.length);
}

function lrange(cx: Context): void {
  const start = parseLong(cx, 2);
  if (start === undefined) return;
  const end = parseLong(cx, 3);
  if (end === undefined) return;
  const list = readList(cx, cx.arg(1));
  if (list === null) return;
  const range = list === undefined ? null : clampRange(start, end, list.length);
  if (range === null) return cx.out.array(0);
  cx.out.array(range[1] - range[0] + 1);
  list!.writeRange(range[0], range[1] + 1, false, cx.out);
}

/** A Redis list index (negatives from the end) as a position, or -1 when out of range. */
function position(index: number, len: number): number {
  const i = index < 0 ? len + index : index;
  return i >= 0 && i < len ? i : -1;
}

function lindex(cx: Context): void {
  const list = readList(cx, cx.arg(1));
  if (list === null) return;
  if (list === undefined) return cx.out.nil();
  const index = parseLong(cx, 2);
  if (index === undefined) return;
  const i = position(index, list.length);
  if (i === -1) cx.out.nil();
  else list.writeBulk(i, cx.out);
}

function lset(cx: Context): void {
  const list = writeList(cx, cx.arg(1));
  if (list === null) return;
  if (list === undefined) return cx.out.error(NO_SUCH_KEY);
  const index = parseLong(cx, 2);
  if (index === undefined) return;
  const i = position(index, list.length);
  if (i === -1) return cx.out.error("ERR index out of range");
  list.set(i, cx.arg(3));
  cx.out.ok();
}

/** The index of the first element equal to `s`, or -1. */
function indexOf(list: ListValue, s: string): number {
  for (let i = 0; i < list.length; i++) if (list.equals(i, s)) return i;
  return -1;
}

function linsert(cx: Context): void {
  let after: boolean;
  if (cx.argIs(2, "after")) after = true;
  else if (cx.argIs(2, "before")) after = false;
  else return cx.out.error(SYNTAX);
  const key = cx.arg(1);
  const list = writeList(cx, key);
  if (list === null) return;
  if (list === undefined) return cx.out.int(0);
  const at = indexOf(list, cx.arg(3));
  if (at === -1) return cx.out.int(-1);
  list.insert(after ? at + 1 : at, cx.arg(4));
  cx.out.int(list.length);
  signalKeyReady(cx, key);
}

function lrem(cx: Context): void {
  const count = parseLong(cx, 2);
  if (count === undefined) return;
  const key = cx.arg(1);
  const list = writeList(cx, key);
  if (list === null) return;
  if (list === undefined) return cx.out.int(0);
  // |count| of LONG_MIN is past any list's length: removing all from the tail is the same.
  const removed = list.removeEqual(cx.arg(3), Math.min(Math.abs(count), 2 ** 32), count < 0);
  deleteIfEmpty(cx, key, list);
  cx.out.int(removed);
}

function ltrim(cx: Context): void {
  const start = parseLong(cx, 2);
  if (start === undefined) return;
  const end = parseLong(cx, 3);
  if (end === undefined) return;
  const key = cx.arg(1);
  const list = writeList(cx, key);
  if (list === null) return;
  if (list !== undefined) {
    const range = clampRange(start, end, list.length);
    if (range === null) list.trim(0, 0);
    else list.trim(range[0], range[1] + 1);
    deleteIfEmpty(cx, key, list);
  }
  cx.out.ok();
}

const RANK_ZERO = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the " +
  "second ... or use negative to start from the end of the list";

/** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. */
function lpos(cx: Context): void {
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < cx.argc; j++) {
    const more = j < cx.argc - 1;
    if (cx.argIs(j, "rank") && more) {
      const n = cx.argInt(++j);
      if (n === undefined) return cx.out.error(NOT_INTEGER);
      if (n === 0) return cx.out.error(RANK_ZERO);
      // Redis negates LONG_MIN into itself, which then takes every match from the tail: -1.
      rank = n === INT64_MIN ? -1 : Number(n);
    } else if (cx.argIs(j, "count") && more) {
      const n = cx.argInt(++j);
      if (n === undefined || n < 0) return cx.out.error("ERR COUNT can't be negative");
      count = Number(n);
    } else if (cx.argIs(j, "maxlen") && more) {
      const n = cx.argInt(++j);
      if (n === undefined || n < 0) return cx.out.error("ERR MAXLEN can't be negative");
      maxlen = Number(n);
    } else {
      return cx.out.error(SYNTAX);
    }
  }
  const fromTail = rank < 0;
  rank = Math.abs(rank);
  const list = readList(cx, cx.arg(1));
  if (list === null) return;
  if (list === undefined) return count === -1 ? cx.out.nil() : cx.out.array(0);
  const element = cx.arg(2);
  const len = list.length;
  const found: number[] = [];
  let matches = 0;
  for (let k = 0; k < len && (maxlen === 0 || k < maxlen); k++) {
    const i = fromTail ? len - 1 - k : k;
    if (!list.equals(i, element)) continue;
    if (++matches < rank) continue;
    found.push(i);
    if (count === -1 || (count !== 0 && found.length >= count)) break;
  }
  if (count === -1) return found.length === 0 ? cx.out.nil() : cx.out.int(found[0]);
  cx.out.array(found.length);
  for (const i of found) cx.out.int(i);
}

const list = specOf("list");

const ONE: [number, number, number] = [1, 1, 1];
const PUSH_COST = "O(1) for each element added, so O(N) to add N elements.";
const POP_COST = "O(N) where N is the number of elements returned";

/** Every list command. */
export const listCommands: CommandSpec[] = [
  list(
    "lpush",
    -3,
    ["write", "denyoom", "fast"],
    ONE,
    "1.0.0",
    "key element [element ...]",
    "Prepends one or more elements to a list. Creates the key if it doesn't exist.",
    PUSH_COST,
    push(true, false),
  ),
  list(
    "rpush",
    -3,
    ["write", "denyoom", "fast"],
    ONE,
    "1.0.0",
    "key element [element ...]",
    "Appends one or more elements to a list. Creates the key if it doesn't exist.",
    PUSH_COST,
    push(false, false),
  ),
  list(
    "lpushx",
    -3,
    ["write", "denyoom", "fast"],
    ONE,
    "2.2.0",
    "key element [element ...]",
    "Prepends one or more elements to a list only when the list exists.",
    PUSH_COST,
    push(true, true),
  ),
  list(
    "rpushx",
    -3,
    ["write", "denyoom", "fast"],
    ONE,
    "2.2.0",
    "key element [element ...]",
    "Appends an element to a list only when the list exists.",
    PUSH_COST,
    push(false, true),
  ),
  list(
    "lpop",
    -2,
    ["write", "fast"],
    ONE,
    "1.0.0",
    "key [count]",
    "Returns the first elements in a list after removing it. Deletes the list if the last element was popped.",
    POP_COST,
    pop(true),
  ),
  list(
    "rpop",
    -2,
    ["write", "fast"],
    ONE,
    "1.0.0",
    "key [count]",
    "Returns and removes the last elements of a list. Deletes the list if the last element was popped.",
    POP_COST,
    pop(false),
  ),
  list(
    "llen",
    2,
    ["readonly", "fast"],
    ONE,
    "1.0.0",
    "key",
    "Returns the length of a list.",
    "O(1)",
    llen,
  ),
  list(
    "lrange",
    4,
    ["readonly"],
    ONE,
    "1.0.0",
    "key start stop",
    "Returns a range of elements from a list.",
    "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
    lrange,
  ),
  list(
    "lindex",
    3,
    ["readonly"],
    ONE,
    "1.0.0",
    "key index",
    "Returns an element from a list by its index.",
    "O(1) in keyval (Redis: O(N))",
    lindex,
  ),
  list(
    "lset",
    4,
    ["write", "denyoom"],
    ONE,
    "1.0.0",
    "key index element",
    "Sets the value of an element in a list by its index.",
    "O(N) where N is the length of the list",
    lset,
  ),
  list(
    "linsert",
    5,
    ["write", "denyoom"],
    ONE,
    "2.2.0",
    "key <BEFORE | AFTER> pivot element",
    "Inserts an element before or after another element in a list.",
    "O(N) where N is the number of elements to traverse before seeing the value pivot.",
    linsert,
  ),
  list(
    "lrem",
    4,
    ["write"],
    ONE,
    "1.0.0",
    "key count element",
    "Removes elements from a list. Deletes the list if the last element was removed.",
    "O(N+M) where N is the length of the list and M is the number of elements removed.",
    lrem,
  ),
  list(
    "ltrim",
    4,
    ["write"],
    ONE,
    "1.0.0",
    "key start stop",
    "Removes elements from both ends a list. Deletes the list if all elements were trimmed.",
    "O(N) where N is the number of elements to be removed by the operation.",
    ltrim,
  ),
  list(
    "lpos",
    -3,
    ["readonly"],
    ONE,
    "6.0.6",
    "key element [RANK rank] [COUNT num-matches] [MAXLEN len]",
    "Returns the index of matching elements in a list.",
    "O(N) where N is the number of elements in the list, for the average case.",
    lpos,
  ),
  ...blockingListCommands,
];
