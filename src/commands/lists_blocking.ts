// List moves and multi-key pops (LMOVE, RPOPLPUSH, LMPOP) and the blocking forms BLPOP, BRPOP,
// BLMOVE, BRPOPLPUSH and BLMPOP, which wait through blocking.ts. Served blocked clients get
// what Redis 7.0's serveClientBlockedOnList gives them: the pop happens on the key that got
// elements.
import type { Context } from "./context.ts";
import { type CommandSpec, specOf } from "./table.ts";
import { deleteIfEmpty, signalKeyReady } from "./collections.ts";
import { SYNTAX } from "./replies.ts";
import { ListValue } from "../store/list.ts";
import { block, parseTimeout } from "../blocking.ts";
import { newList, popRangeReply, writeList } from "./lists.ts";
import { parseMultiPop } from "./args.ts";

/** LMPOP's ends: RIGHT is the second. */
const LEFT_RIGHT = ["left", "right"] as const;

/** LEFT (true) or RIGHT (false) at argument i; undefined after replying a syntax error. */
function side(cx: Context, i: number): boolean | undefined {
  if (cx.argIs(i, "left")) return true;
  if (cx.argIs(i, "right")) return false;
  cx.out.error(SYNTAX);
  return undefined;
}

/**
 * Moves one element from the non-empty list `src` (at `srcKey`) to `dstKey` and replies it, as
 * Redis's lmoveGenericCommand once the source is known: WRONGTYPE (nothing moved) when the
 * destination holds another type.
 */
function moveOne(
  cx: Context,
  src: ListValue,
  srcKey: string,
  dstKey: string,
  fromFront: boolean,
  toFront: boolean,
): void {
  const found = writeList(cx, dstKey);
  if (found === null) return;
  const value = (fromFront ? src.popFront() : src.popBack())!;
  // The destination is looked up before the pop, so moving a list's last element onto itself
  // keeps the list (and its key).
  let dst = found;
  if (dst === undefined) cx.db.set(dstKey, dst = newList());
  if (toFront) dst.pushFront(value);
  else dst.pushBack(value);
  cx.out.bulk(value);
  signalKeyReady(cx, dstKey);
  deleteIfEmpty(cx, srcKey, src);
}

/** LMOVE source destination LEFT|RIGHT LEFT|RIGHT, and RPOPLPUSH (RIGHT LEFT). */
function lmove(cx: Context, fromFront: boolean, toFront: boolean): void {
  const srcKey = cx.arg(1);
  const src = writeList(cx, srcKey);
  if (src === null) return;
  if (src === undefined) return cx.out.nil();
  moveOne(cx, src, srcKey, cx.arg(2), fromFront, toFront);
}

/** Replies [key, [elements]] after popping up to `count` from `list`. */
function mpopReply(cx: Context, list: ListValue, key: string, front: boolean, count: number): void {
  cx.out.array(2);
  cx.out.bulk(key);
  popRangeReply(cx, list, front, count);
  deleteIfEmpty(cx, key, list);
}

/**
 * The first of `keys` holding a non-empty list, as Redis's pops scan them (no hit or miss
 * counted); null after replying WRONGTYPE for a key of another type met first.
 */
function firstList(cx: Context, keys: readonly string[]): [string, ListValue] | undefined | null {
  for (const key of keys) {
    const v = writeList(cx, key);
    if (v === null) return null;
    if (v !== undefined && v.length > 0) return [key, v];
  }
  return undefined;
}

function lmpop(cx: Context): void {
  const req = parseMultiPop(cx, 1, LEFT_RIGHT);
  if (req === undefined) return;
  const found = firstList(cx, req.keys);
  if (found === null) return;
  if (found === undefined) return cx.out.nilArray();
  mpopReply(cx, found[1], found[0], !req.second, req.count);
}

/** The list at `key` when a blocked client is offered it, or undefined when it has nothing. */
function readyList(cx: Context, key: string): ListValue | undefined {
  const v = cx.db.get(key);
  return v instanceof ListValue && v.length > 0 ? v : undefined;
}

/** BLPOP and BRPOP: key [key ...] timeout. */
function bpop(front: boolean): (cx: Context) => void {
  return (cx) => {
    const timeout = parseTimeout(cx, cx.argc - 1);
    if (timeout === undefined) return;
    const keys = cx.args(1, cx.argc - 1);
    const found = firstList(cx, keys);
    if (found === null) return;
    const reply = (key: string, list: ListValue) => {
      cx.out.array(2);
      cx.out.bulk(key);
      cx.out.bulk((front ? list.popFront() : list.popBack())!);
      deleteIfEmpty(cx, key, list);
    };
    if (found !== undefined) return reply(found[0], found[1]);
    block(cx, keys, timeout, (key) => {
      const list = readyList(cx, key);
      if (list === undefined) return false;
      reply(key, list);
      return true;
    });
  };
}

/** BLMOVE's and BRPOPLPUSH's common part, once the directions and timeout are parsed. */
function blmove(cx: Context, fromFront: boolean, toFront: boolean, timeout: number): void {
  const srcKey = cx.arg(1);
  const src = writeList(cx, srcKey);
  if (src === null) return;
  const dstKey = cx.arg(2);
  if (src !== undefined) return moveOne(cx, src, srcKey, dstKey, fromFront, toFront);
  // As Redis, a destination of another type is only noticed once an element comes.
  block(cx, [srcKey], timeout, (key) => {
    const list = readyList(cx, key);
    if (list === undefined) return false;
    moveOne(cx, list, key, dstKey, fromFront, toFront);
    return true;
  });
}

function blmpop(cx: Context): void {
  const req = parseMultiPop(cx, 2, LEFT_RIGHT);
  if (req === undefined) return;
  const timeout = parseTimeout(cx, 1);
  if (timeout === undefined) return;
  const found = firstList(cx, req.keys);
  if (found === null) return;
  if (found !== undefined) return mpopReply(cx, found[1], found[0], !req.second, req.count);
  block(cx, req.keys, timeout, (key) => {
    const list = readyList(cx, key);
    if (list === undefined) return false;
    mpopReply(cx, list, key, !req.second, req.count);
    return true;
  });
}

const spec = specOf("list");

const MPOP_COST =
  "O(N+M) where N is the number of provided keys and M is the number of elements returned.";

/** The list commands defined here. */
export const blockingListCommands: CommandSpec[] = [
  spec(
    "lmove",
    5,
    ["write", "denyoom"],
    [1, 2, 1],
    "6.2.0",
    "source destination <LEFT | RIGHT> <LEFT | RIGHT>",
    "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.",
    "O(1)",
    (cx) => {
      const from = side(cx, 3);
      if (from === undefined) return;
      const to = side(cx, 4);
      if (to !== undefined) lmove(cx, from, to);
    },
  ),
  spec(
    "rpoplpush",
    3,
    ["write", "denyoom"],
    [1, 2, 1],
    "1.2.0",
    "source destination",
    "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.",
    "O(1)",
    (cx) => lmove(cx, false, true),
  ),
  spec(
    "lmpop",
    -4,
    ["write"],
    undefined,
    "7.0.0",
    "numkeys key [key ...] <LEFT | RIGHT> [COUNT count]",
    "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.",
    MPOP_COST,
    lmpop,
  ),
  spec(
    "blpop",
    -3,
    ["write", "noscript"],
    [1, -2, 1],
    "2.0.0",
    "key [key ...] timeout",
    "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
    "O(N) where N is the number of provided keys.",
    bpop(true),
  ),
  spec(
    "brpop",
    -3,
    ["write", "noscript"],
    [1, -2, 1],
    "2.0.0",
    "key [key ...] timeout",
    "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
    "O(N) where N is the number of provided keys.",
    bpop(false),
  ),
  spec(
    "blmove",
    6,
    ["write", "denyoom", "noscript"],
    [1, 2, 1],
    "6.2.0",
    "source destination <LEFT | RIGHT> <LEFT | RIGHT> timeout",
    "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.",
    "O(1)",
    (cx) => {
      const from = side(cx, 3);
      if (from === undefined) return;
      const to = side(cx, 4);
      if (to === undefined) return;
      const timeout = parseTimeout(cx, 5);
      if (timeout !== undefined) blmove(cx, from, to, timeout);
    },
  ),
  spec(
    "brpoplpush",
    4,
    ["write", "denyoom", "noscript"],
    [1, 2, 1],
    "2.2.0",
    "source destination timeout",
    "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.",
    "O(1)",
    (cx) => {
      const timeout = parseTimeout(cx, 3);
      if (timeout !== undefined) blmove(cx, false, true, timeout);
    },
  ),
  spec(
    "blmpop",
    -5,
    ["write"],
    undefined,
    "7.0.0",
    "timeout numkeys key [key ...] <LEFT | RIGHT> [COUNT count]",
    "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
    MPOP_COST,
    blmpop,
  ),
];
