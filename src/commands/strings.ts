// String commands: GET/SET and their variants, multi-key forms, ranges and counters.
import type { Context } from "./context.ts";
import type { CommandSpec } from "./table.ts";
import { EX, EXAT, type ExpiryUnit, parseSetExpiry, PX, PXAT } from "./expire.ts";
import {
  addDecimal,
  addInt64,
  formatDecimal,
  parseDecimal,
  parseInt64,
  parseInt64Bytes,
} from "./numbers.ts";
import { parseLong } from "./args.ts";
import { NOT_FLOAT, NOT_INTEGER, OVERFLOW, SYNTAX, TOO_BIG, WRONGTYPE } from "./replies.ts";
import type { ExpiryTime, Value } from "../store/keyspace.ts";
import * as clock from "../store/clock.ts";

/** V8's longest string; a stored value can be no longer. */
const MAX_V8_STRING = (1 << 29) - 24;

/** The longest string value allowed: proto-max-bulk-len, within what V8 can hold. */
function maxLength(cx: Context): number {
  return Math.min(cx.server.config.maxValueBytes, MAX_V8_STRING);
}

/**
 * The string at `key` for a read command (counting a hit or miss), or undefined; null after
 * replying WRONGTYPE because the key holds a collection.
 */
function readString(cx: Context, key: string): string | undefined | null {
  return stringOrWrongType(cx, cx.db.lookupRead(key));
}

/** The string at `key` for a write command (no hit or miss counted), as `readString`. */
function writeString(cx: Context, key: string): string | undefined | null {
  return stringOrWrongType(cx, cx.db.get(key));
}

function stringOrWrongType(cx: Context, v: Value | undefined): string | undefined | null {
  if (typeof v === "string" || v === undefined) return v;
  cx.out.error(WRONGTYPE);
  return null;
}

/**
 * Replies with a stored string, or nil for undefined: a short one straight from the slab's
 * bytes, without building its string.
 */
function bulkStored(cx: Context, v: string | number | undefined): void {
  if (typeof v !== "number") return cx.out.bulkOrNil(v);
  const slab = cx.db.slab;
  cx.out.bulkBytes(slab.page(v), slab.start(v), slab.end(v));
}

function get(cx: Context): void {
  cx.server.stats.gets++;
  // The hottest read: the key is looked up by its bytes, and neither it nor the value is built
  // as a string.
  const v = cx.db.lookupReadStored(cx.mem, cx.starts[1], cx.ends[1]);
  if (typeof v === "object") return cx.out.error(WRONGTYPE);
  bulkStored(cx, v);
}

const SET_NX = 1;
const SET_XX = 2;
const SET_GET = 4;
const SET_KEEPTTL = 8;
const SET_PERSIST = 16;

/** Parsed SET / GETEX options: flags, and the expiry argument's index and unit (0: none). */
interface ExpiryOptions {
  flags: number;
  expiryArg: number;
  unit: ExpiryUnit | undefined;
}

/**
 * Parses SET's or GETEX's options from argument `from` on, with Redis's rules for which may be
 * combined (a later EX replaces an earlier one; EX with PX, or either with KEEPTTL, is an error).
 */
function parseExpiryOptions(cx: Context, from: number, forSet: boolean): ExpiryOptions | undefined {
  const o: ExpiryOptions = { flags: 0, expiryArg: 0, unit: undefined };
  for (let i = from; i < cx.argc; i++) {
    const hasNext = i + 1 < cx.argc;
    const timed = o.unit !== undefined;
    const pick = (unit: ExpiryUnit): boolean => {
      if ((o.flags & (SET_KEEPTTL | SET_PERSIST)) || (timed && o.unit !== unit) || !hasNext) {
        return false;
      }
      o.unit = unit;
      o.expiryArg = ++i;
      return true;
    };
    let ok: boolean;
    if (forSet && cx.argIs(i, "nx") && !(o.flags & SET_XX)) ok = !!(o.flags |= SET_NX);
    else if (forSet && cx.argIs(i, "xx") && !(o.flags & SET_NX)) ok = !!(o.flags |= SET_XX);
    else if (forSet && cx.argIs(i, "get")) ok = !!(o.flags |= SET_GET);
    else if (forSet && cx.argIs(i, "keepttl")) ok = !timed && !!(o.flags |= SET_KEEPTTL);
    else if (!forSet && cx.argIs(i, "persist")) ok = !timed && !!(o.flags |= SET_PERSIST);
    else if (cx.argIs(i, "ex") || (forSet && cx.argIs(i, "exp"))) ok = pick(EX);
    else if (cx.argIs(i, "px")) ok = pick(PX);
    else if (cx.argIs(i, "exat")) ok = pick(EXAT);
    else if (cx.argIs(i, "pxat")) ok = pick(PXAT);
    else ok = false;
    if (!ok) {
      cx.out.error(SYNTAX);
      return undefined;
    }
  }
  return o;
}

/** True when argument i is one of SET's option words. */
function isSetOption(cx: Context, i: number): boolean {
  for (const word of SET_OPTIONS) if (cx.argIs(i, word)) return true;
  return false;
}

const SET_OPTIONS = ["nx", "xx", "get", "keepttl", "ex", "exp", "px", "exat", "pxat"];

function set(cx: Context): void {
  const db = cx.db;
  if (cx.argc === 3) {
    // No options, the common case: parsing none still cost 150 ns of a 790 ns in-process SET
    // (the options object, and an allocation that brought 25% more scavenges).
    cx.server.stats.sets++;
    db.setBytes(cx.mem, cx.starts[1], cx.ends[1], cx.starts[2], cx.ends[2]);
    return cx.out.ok();
  }
  if (cx.argc === 5) {
    // SET key value EX|PX n, a cache's usual write: from the request's bytes, as above.
    const unit = cx.argIs(3, "ex") ? EX : cx.argIs(3, "px") ? PX : undefined;
    if (unit !== undefined) {
      const at = parseSetExpiry(cx, 4, unit, "set");
      if (at !== undefined) setExpiringBytes(cx, 2, at);
      return;
    }
  }
  // Seed 000's inline form: `SET greeting hello big world` stores "hello big world", the words
  // up to the first option joined by one space. Over RESP extra words stay a syntax error.
  let optionsFrom = 3;
  if (cx.inline) { while (optionsFrom < cx.argc && !isSetOption(cx, optionsFrom)) optionsFrom++; }
  const o = parseExpiryOptions(cx, optionsFrom, true);
  if (o === undefined) return;
  let at: ExpiryTime | undefined;
  if (o.unit !== undefined) {
    at = parseSetExpiry(cx, o.expiryArg, o.unit, "set");
    if (at === undefined) return;
  }
  const key = cx.arg(1);
  cx.server.stats.sets++;
  const value = optionsFrom === 3 ? cx.arg(2) : cx.args(2, optionsFrom).join(" ");
  if (o.flags === 0 && at === undefined) {
    db.set(key, value);
    return cx.out.ok();
  }
  if (o.flags & SET_GET) cx.server.stats.gets++;
  const old = (o.flags & SET_GET)
    ? readString(cx, key)
    : (o.flags & (SET_NX | SET_XX))
    ? db.get(key)
    : undefined;
  if (old === null) return;
  const found = old !== undefined;
  if (((o.flags & SET_NX) && found) || ((o.flags & SET_XX) && !found)) {
    return (o.flags & SET_GET) ? cx.out.bulkOrNil(old as string | undefined) : cx.out.nil();
  }
  // A time already past (EXAT 1): Redis stores the value, which then expires unseen; keyval
  // skips the storing but counts the expiry, so STATS and INFO agree with Redis.
  if (at !== undefined && at <= clock.now()) db.removeExpired(key);
  else if (at !== undefined) db.setWithExpiry(key, value, at);
  else if (o.flags & SET_KEEPTTL) db.overwrite(key, value);
  else db.set(key, value);
  if (o.flags & SET_GET) cx.out.bulkOrNil(old as string | undefined);
  else cx.out.ok();
}

/**
 * Stores argument `v` at the key (argument 1), expiring at `at`, from the request's bytes when
 * the time is a safe integer (SET with EX or PX, SETEX, PSETEX), and replies OK.
 */
function setExpiringBytes(cx: Context, v: number, at: ExpiryTime): void {
  cx.server.stats.sets++;
  if (typeof at === "number") {
    cx.db.setBytes(cx.mem, cx.starts[1], cx.ends[1], cx.starts[v], cx.ends[v], at);
  } else {
    cx.db.setWithExpiry(cx.arg(1), cx.arg(v), at);
  }
  cx.out.ok();
}

/** SETEX and PSETEX: stores argument 3 at the key, expiring after argument 2. */
function setWithTtl(name: string, unit: ExpiryUnit): (cx: Context) => void {
  return (cx) => {
    const at = parseSetExpiry(cx, 2, unit, name);
    if (at !== undefined) setExpiringBytes(cx, 3, at);
  };
}

function setnx(cx: Context): void {
  const key = cx.arg(1);
  cx.server.stats.sets++;
  if (cx.db.has(key)) return cx.out.int(0);
  cx.db.set(key, cx.arg(2));
  cx.out.int(1);
}

function getset(cx: Context): void {
  const key = cx.arg(1);
  const old = readString(cx, key);
  if (old === null) return;
  cx.server.stats.gets++;
  cx.server.stats.sets++;
  cx.db.set(key, cx.arg(2));
  cx.out.bulkOrNil(old);
}

function getdel(cx: Context): void {
  const key = cx.arg(1);
  const v = readString(cx, key);
  if (v === null) return;
  cx.server.stats.gets++;
  if (v !== undefined) {
    cx.db.delete(key);
    cx.server.stats.dels++;
  }
  cx.out.bulkOrNil(v);
}

function getex(cx: Context): void {
  const o = parseExpiryOptions(cx, 2, false);
  if (o === undefined) return;
  const key = cx.arg(1);
  const v = readString(cx, key);
  if (v === null) return;
  cx.server.stats.gets++;
  if (v === undefined) return cx.out.nil();
  // As Redis, the expiry is validated only once the key was found.
  if (o.unit !== undefined) {
    const at = parseSetExpiry(cx, o.expiryArg, o.unit, "getex");
    if (at === undefined) return;
    if (cx.db.expireAt(key, at)) cx.server.stats.dels++; // EXAT in the past: a delete
  } else if (o.flags & SET_PERSIST) {
    cx.db.persist(key);
  }
  cx.out.bulk(v);
}

function mget(cx: Context): void {
  cx.out.array(cx.argc - 1);
  cx.server.stats.gets += cx.argc - 1;
  for (let i = 1; i < cx.argc; i++) {
    const v = cx.db.lookupReadStored(cx.mem, cx.starts[i], cx.ends[i]);
    bulkStored(cx, typeof v === "object" ? undefined : v); // a collection reads as nil
  }
}

function msetCommand(nx: boolean): (cx: Context) => void {
  const name = nx ? "msetnx" : "mset";
  return (cx) => {
    if (cx.argc % 2 === 0) {
      return cx.out.error(`ERR wrong number of arguments for '${name}' command`);
    }
    const db = cx.db;
    // Like SETNX and SET NX, a refused MSETNX still counts its keys as attempted sets.
    cx.server.stats.sets += (cx.argc - 1) / 2;
    // Keys are looked up by their bytes, as SET's: a key's string is built only when it is new.
    const { mem, starts, ends } = cx;
    if (nx) {
      for (let i = 1; i < cx.argc; i += 2) {
        if (db.getStored(mem, starts[i], ends[i]) !== undefined) return cx.out.int(0);
      }
    }
    for (let i = 1; i < cx.argc; i += 2) {
      db.setBytes(mem, starts[i], ends[i], starts[i + 1], ends[i + 1]);
    }
    if (nx) cx.out.int(1);
    else cx.out.ok();
  };
}

function append(cx: Context): void {
  const key = cx.arg(1);
  const old = writeString(cx, key);
  if (old === null) return;
  const add = cx.arg(2);
  if (old === undefined) {
    cx.db.set(key, add);
    return cx.out.int(add.length);
  }
  if (old.length + add.length > maxLength(cx)) return cx.out.error(TOO_BIG);
  const value = old + add;
  cx.db.overwrite(key, value);
  cx.out.int(value.length);
}

function strlen(cx: Context): void {
  const v = readString(cx, cx.arg(1));
  if (v !== null) cx.out.int(v?.length ?? 0);
}

function getrange(cx: Context): void {
  let start = parseLong(cx, 2);
  if (start === undefined) return;
  let end = parseLong(cx, 3);
  if (end === undefined) return;
  const found = readString(cx, cx.arg(1));
  if (found === null) return;
  const v = found ?? "";
  const len = v.length;
  if (start < 0 && end < 0 && start > end) return cx.out.bulk("");
  if (start < 0) start = Math.max(len + start, 0);
  if (end < 0) end = Math.max(len + end, 0);
  if (end >= len) end = len - 1;
  if (start > end || len === 0) return cx.out.bulk("");
  cx.out.bulk(v.slice(start, end + 1));
}

function setrange(cx: Context): void {
  const offset = parseLong(cx, 2);
  if (offset === undefined) return;
  if (offset < 0) return cx.out.error("ERR offset is out of range");
  const key = cx.arg(1);
  const old = writeString(cx, key);
  if (old === null) return;
  const patch = cx.arg(3);
  if (patch.length === 0) return cx.out.int(old?.length ?? 0);
  if (offset + patch.length > maxLength(cx)) return cx.out.error(TOO_BIG);
  const base = old ?? "";
  const head = base.length >= offset
    ? base.slice(0, offset)
    : base + "\0".repeat(offset - base.length);
  const value = head + patch + base.slice(offset + patch.length);
  if (old === undefined) cx.db.set(key, value);
  else cx.db.overwrite(key, value);
  cx.out.int(value.length);
}

/** INCR/DECR/INCRBY/DECRBY: adds `sign` × (1 or argument 2) to the integer at the key. */
function incrCommand(sign: 1 | -1, byArg: boolean): (cx: Context) => void {
  return (cx) => {
    let by: number | bigint = 1;
    if (byArg) {
      const v = cx.argInt(2);
      if (v === undefined) return cx.out.error(NOT_INTEGER);
      if (sign === -1 && v === -9223372036854775808n) {
        return cx.out.error("ERR decrement would overflow");
      }
      by = v;
    }
    if (sign === -1) by = -by;
    // The key is found and, when it exists, rewritten by its bytes: its string is built only
    // for a new key, and a value in the slab is read from there.
    const s = cx.starts[1];
    const e = cx.ends[1];
    const db = cx.db;
    const old = db.getStored(cx.mem, s, e);
    if (typeof old === "object") return cx.out.error(WRONGTYPE);
    const current = old === undefined
      ? 0
      : typeof old === "string"
      ? parseInt64(old)
      : parseInt64Bytes(db.slab.page(old), db.slab.start(old), db.slab.end(old));
    if (current === undefined) return cx.out.error(NOT_INTEGER);
    const result = addInt64(current, by);
    if (result === undefined) return cx.out.error(OVERFLOW);
    if (old === undefined) db.set(cx.arg(1), String(result));
    else db.overwriteIntBytes(cx.mem, s, e, old, result);
    cx.out.int(result);
  };
}

function incrbyfloat(cx: Context): void {
  const by = parseDecimal(cx.arg(2));
  if (by === undefined) return cx.out.error(NOT_FLOAT);
  const key = cx.arg(1);
  const old = writeString(cx, key);
  if (old === null) return;
  const current = old === undefined ? { mant: 0n, exp: 0 } : parseDecimal(old);
  if (current === undefined) return cx.out.error(NOT_FLOAT);
  const sum = typeof current === "string" || typeof by === "string"
    ? undefined
    : addDecimal(current, by);
  if (sum === undefined) return cx.out.error("ERR increment would produce NaN or Infinity");
  const value = formatDecimal(sum);
  if (old === undefined) cx.db.set(key, value);
  else cx.db.overwrite(key, value);
  cx.out.bulk(value);
}

const readFast: CommandSpec["flags"] = ["readonly", "fast"];
const writeFast: CommandSpec["flags"] = ["write", "denyoom", "fast"];
const oneKey: [number, number, number] = [1, 1, 1];

export const stringCommands: CommandSpec[] = [
  {
    name: "get",
    arity: 2,
    flags: readFast,
    keys: oneKey,
    group: "string",
    since: "1.0.0",
    syntax: "key",
    summary: "Returns the string value of a key.",
    complexity: "O(1)",
    handler: get,
  },
  {
    name: "set",
    arity: -3,
    flags: ["write", "denyoom"],
    keys: oneKey,
    group: "string",
    since: "1.0.0",
    syntax:
      "key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]",
    summary:
      "Sets the string value of a key, ignoring its type; the key is created if it doesn't exist. EXP is accepted as EX. Inline, words up to the first option join with spaces.",
    complexity: "O(1)",
    handler: set,
    boundedByRequest: true,
  },
  {
    name: "setnx",
    arity: 3,
    flags: writeFast,
    keys: oneKey,
    group: "string",
    since: "1.0.0",
    syntax: "key value",
    summary: "Sets the string value of a key only when the key doesn't exist.",
    complexity: "O(1)",
    handler: setnx,
  },
  {
    name: "setex",
    arity: 4,
    flags: ["write", "denyoom"],
    keys: oneKey,
    group: "string",
    since: "2.0.0",
    syntax: "key seconds value",
    summary: "Sets the string value and expiration time of a key.",
    complexity: "O(1)",
    handler: setWithTtl("setex", EX),
    boundedByRequest: true,
  },
  {
    name: "psetex",
    arity: 4,
    flags: ["write", "denyoom"],
    keys: oneKey,
    group: "string",
    since: "2.6.0",
    syntax: "key milliseconds value",
    summary: "Sets both string value and expiration time in milliseconds of a key.",
    complexity: "O(1)",
    handler: setWithTtl("psetex", PX),
    boundedByRequest: true,
  },
  {
    name: "getset",
    arity: 3,
    flags: writeFast,
    keys: oneKey,
    group: "string",
    since: "1.0.0",
    syntax: "key value",
    summary: "Returns the previous string value of a key after setting it to a new value.",
    complexity: "O(1)",
    handler: getset,
  },
  {
    name: "getdel",
    arity: 2,
    flags: ["write", "fast"],
    keys: oneKey,
    group: "string",
    since: "6.2.0",
    syntax: "key",
    summary: "Returns the string value of a key after deleting the key.",
    complexity: "O(1)",
    handler: getdel,
  },
  {
    name: "getex",
    arity: -2,
    flags: ["write", "fast"],
    keys: oneKey,
    group: "string",
    since: "6.2.0",
    syntax:
      "key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]",
    summary: "Returns the string value of a key after setting its expiration time.",
    complexity: "O(1)",
    handler: getex,
  },
  {
    name: "mget",
    arity: -2,
    flags: readFast,
    keys: [1, -1, 1],
    group: "string",
    since: "1.0.0",
    syntax: "key [key ...]",
    summary: "Atomically returns the string values of one or more keys.",
    complexity: "O(N) where N is the number of keys to retrieve.",
    handler: mget,
  },
  {
    name: "mset",
    arity: -3,
    flags: ["write", "denyoom"],
    keys: [1, -1, 2],
    group: "string",
    since: "1.0.1",
    syntax: "key value [key value ...]",
    summary: "Atomically creates or modifies the string values of one or more keys.",
    complexity: "O(N) where N is the number of keys to set.",
    handler: msetCommand(false),
    boundedByRequest: true,
  },
  {
    name: "msetnx",
    arity: -3,
    flags: ["write", "denyoom"],
    keys: [1, -1, 2],
    group: "string",
    since: "1.0.1",
    syntax: "key value [key value ...]",
    summary: "Atomically sets the values of one or more keys only when all keys don't exist.",
    complexity: "O(N) where N is the number of keys to set.",
    handler: msetCommand(true),
    boundedByRequest: true,
  },
  {
    name: "append",
    arity: 3,
    flags: writeFast,
    keys: oneKey,
    group: "string",
    since: "2.0.0",
    syntax: "key value",
    summary: "Appends a string to the value of a key. Creates the key if it doesn't exist.",
    complexity: "O(1) amortized",
    handler: append,
  },
  {
    name: "strlen",
    arity: 2,
    flags: readFast,
    keys: oneKey,
    group: "string",
    since: "2.2.0",
    syntax: "key",
    summary: "Returns the length of a string value.",
    complexity: "O(1)",
    handler: strlen,
  },
  {
    name: "getrange",
    arity: 4,
    flags: ["readonly"],
    keys: oneKey,
    group: "string",
    since: "2.4.0",
    syntax: "key start end",
    summary: "Returns a substring of the string stored at a key.",
    complexity: "O(N) where N is the length of the returned string.",
    handler: getrange,
  },
  {
    name: "substr",
    arity: 4,
    flags: ["readonly"],
    keys: oneKey,
    group: "string",
    since: "1.0.0",
    syntax: "key start end",
    summary: "Returns a substring from a string value (the old name of GETRANGE).",
    complexity: "O(N) where N is the length of the returned string.",
    handler: getrange,
  },
  {
    name: "setrange",
    arity: 4,
    flags: ["write", "denyoom"],
    keys: oneKey,
    group: "string",
    since: "2.2.0",
    syntax: "key offset value",
    summary: "Overwrites a part of a string value with another by an offset.",
    complexity: "O(1), not counting the time taken to copy the new string in place.",
    handler: setrange,
  },
  {
    name: "incr",
    arity: 2,
    flags: writeFast,
    keys: oneKey,
    group: "string",
    since: "1.0.0",
    syntax: "key",
    summary: "Increments the integer value of a key by one. Uses 0 as initial value.",
    complexity: "O(1)",
    handler: incrCommand(1, false),
  },
  {
    name: "decr",
    arity: 2,
    flags: writeFast,
    keys: oneKey,
    group: "string",
    since: "1.0.0",
    syntax: "key",
    summary: "Decrements the integer value of a key by one. Uses 0 as initial value.",
    complexity: "O(1)",
    handler: incrCommand(-1, false),
  },
  {
    name: "incrby",
    arity: 3,
    flags: writeFast,
    keys: oneKey,
    group: "string",
    since: "1.0.0",
    syntax: "key increment",
    summary: "Increments the integer value of a key by a number. Uses 0 as initial value.",
    complexity: "O(1)",
    handler: incrCommand(1, true),
  },
  {
    name: "decrby",
    arity: 3,
    flags: writeFast,
    keys: oneKey,
    group: "string",
    since: "1.0.0",
    syntax: "key decrement",
    summary: "Decrements a number from the integer value of a key. Uses 0 as initial value.",
    complexity: "O(1)",
    handler: incrCommand(-1, true),
  },
  {
    name: "incrbyfloat",
    arity: 3,
    flags: writeFast,
    keys: oneKey,
    group: "string",
    since: "2.6.0",
    syntax: "key increment",
    summary:
      "Increment the floating point value of a key by a number. Uses 0 as initial value (80-bit long double, printed with 17 decimals).",
    complexity: "O(1)",
    handler: incrbyfloat,
  },
];
