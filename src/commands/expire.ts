// Time to live: EXPIRE and friends, TTL and friends, PERSIST, and the expiry-time parsing that
// SET, GETEX and SETEX share with them.
import type { Context } from "./context.ts";
import type { CommandSpec } from "./table.ts";
import { INT64_MAX } from "./numbers.ts";
import { NOT_INTEGER } from "./replies.ts";
import type { ExpiryTime } from "../store/keyspace.ts";
import * as clock from "../store/clock.ts";

/** LLONG_MAX / 1000 and LLONG_MIN / 1000 as C computes them: the seconds that fit in ms. */
const MAX_SECONDS = 9223372036854775n;
const MIN_SECONDS = -9223372036854775n;
/** Below this, ×1000 plus the current time stays a safe integer: the common, fast case. */
const SMALL = 2 ** 42;

/** How an expiry argument is written: relative or absolute, in seconds or milliseconds. */
export interface ExpiryUnit {
  seconds: boolean;
  absolute: boolean;
}

export const EX: ExpiryUnit = { seconds: true, absolute: false };
export const PX: ExpiryUnit = { seconds: false, absolute: false };
export const EXAT: ExpiryUnit = { seconds: true, absolute: true };
export const PXAT: ExpiryUnit = { seconds: false, absolute: true };

/** A bigint as a number when that is exact. */
function exact(x: bigint): ExpiryTime {
  const n = Number(x);
  return Number.isSafeInteger(n) ? n : x;
}

/**
 * The absolute expiry time (Unix ms) given by argument i, as SET, GETEX and SETEX read it: the
 * number must be positive. Replies with Redis's error and returns undefined otherwise.
 */
export function parseSetExpiry(
  cx: Context,
  i: number,
  unit: ExpiryUnit,
  command: string,
): ExpiryTime | undefined {
  const v = cx.argInt(i);
  if (v === undefined) {
    cx.out.error(NOT_INTEGER);
    return undefined;
  }
  if (v <= 0 || (unit.seconds && v > MAX_SECONDS)) {
    cx.out.error(`ERR invalid expire time in '${command}' command`);
    return undefined;
  }
  if (typeof v === "number" && v < SMALL) {
    const ms = unit.seconds ? v * 1000 : v;
    return unit.absolute ? ms : ms + clock.now();
  }
  let ms = BigInt(v) * (unit.seconds ? 1000n : 1n);
  if (!unit.absolute) ms += BigInt(clock.now());
  // Redis's 64-bit sum wraps negative here, which it reports as an invalid time.
  if (ms > INT64_MAX) {
    cx.out.error(`ERR invalid expire time in '${command}' command`);
    return undefined;
  }
  return exact(ms);
}

const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;

/**
 * EXPIRE's time argument as an absolute Unix ms time, checked for overflow as Redis does
 * (negative times are allowed: they delete the key); undefined after an error reply.
 */
function parseExpireTime(cx: Context, unit: ExpiryUnit, invalid: string): ExpiryTime | undefined {
  const v = cx.argInt(2);
  if (v === undefined) {
    cx.out.error(NOT_INTEGER);
    return undefined;
  }
  const base = unit.absolute ? 0 : clock.now();
  if (typeof v === "number" && Math.abs(v) < SMALL) return (unit.seconds ? v * 1000 : v) + base;
  let when = BigInt(v);
  if (unit.seconds) {
    if (when > MAX_SECONDS || when < MIN_SECONDS) {
      cx.out.error(invalid);
      return undefined;
    }
    when *= 1000n;
  }
  if (when > INT64_MAX - BigInt(base)) {
    cx.out.error(invalid);
    return undefined;
  }
  return exact(when + BigInt(base));
}

function expireCommand(name: string, unit: ExpiryUnit): (cx: Context) => void {
  const invalid = `ERR invalid expire time in '${name}' command`;
  return (cx) => {
    let flags = 0;
    for (let i = 3; i < cx.argc; i++) {
      if (cx.argIs(i, "nx")) flags |= NX;
      else if (cx.argIs(i, "xx")) flags |= XX;
      else if (cx.argIs(i, "gt")) flags |= GT;
      else if (cx.argIs(i, "lt")) flags |= LT;
      else return cx.out.error(`ERR Unsupported option ${cx.arg(i)}`);
    }
    if ((flags & NX) && (flags & (XX | GT | LT))) {
      return cx.out.error("ERR NX and XX, GT or LT options at the same time are not compatible");
    }
    if ((flags & GT) && (flags & LT)) {
      return cx.out.error("ERR GT and LT options at the same time are not compatible");
    }
    const when = parseExpireTime(cx, unit, invalid);
    if (when === undefined) return;
    cx.server.stats.expire++;
    const key = cx.arg(1);
    const current = cx.db.expiryOf(key);
    if (current === -2) return cx.out.int(0);
    // Without a TTL a key lives forever: GT never beats that, LT always does.
    if (
      ((flags & NX) && current !== -1) ||
      ((flags & XX) && current === -1) ||
      ((flags & GT) && (current === -1 || when <= current)) ||
      ((flags & LT) && current !== -1 && when >= current)
    ) {
      return cx.out.int(0);
    }
    // A time already past deletes the key, which Redis propagates as a DEL: count it as one.
    if (cx.db.expireAt(key, when)) cx.server.stats.dels++;
    cx.out.int(1);
  };
}

function ttlCommand(ms: boolean, absolute: boolean): (cx: Context) => void {
  return (cx) => {
    cx.server.stats.ttl++;
    const key = cx.arg(1);
    const db = cx.db;
    const at = db.expiryOf(key);
    if (at === -2) db.misses++;
    else db.hits++;
    if (at < 0) return cx.out.int(at);
    if (typeof at === "number") {
      let ttl = absolute ? at : at - clock.now();
      if (ttl < 0) ttl = 0;
      return cx.out.int(ms ? ttl : Math.floor((ttl + 500) / 1000));
    }
    let ttl = absolute ? at : at - BigInt(clock.now());
    if (ttl < 0n) ttl = 0n;
    // Redis's (ttl + 500) / 1000 does not wrap even at the 64-bit maximum (checked on 7.0).
    cx.out.int(exact(ms ? ttl : (ttl + 500n) / 1000n));
  };
}

export const expireCommands: CommandSpec[] = [
  {
    name: "expire",
    arity: -3,
    flags: ["write", "fast"],
    keys: [1, 1, 1],
    group: "generic",
    since: "1.0.0",
    syntax: "key seconds [NX | XX | GT | LT]",
    summary: "Sets the expiration time of a key in seconds.",
    complexity: "O(1)",
    handler: expireCommand("expire", EX),
  },
  {
    name: "pexpire",
    arity: -3,
    flags: ["write", "fast"],
    keys: [1, 1, 1],
    group: "generic",
    since: "2.6.0",
    syntax: "key milliseconds [NX | XX | GT | LT]",
    summary: "Sets the expiration time of a key in milliseconds.",
    complexity: "O(1)",
    handler: expireCommand("pexpire", PX),
  },
  {
    name: "expireat",
    arity: -3,
    flags: ["write", "fast"],
    keys: [1, 1, 1],
    group: "generic",
    since: "1.2.0",
    syntax: "key unix-time-seconds [NX | XX | GT | LT]",
    summary: "Sets the expiration time of a key to a Unix timestamp.",
    complexity: "O(1)",
    handler: expireCommand("expireat", EXAT),
  },
  {
    name: "pexpireat",
    arity: -3,
    flags: ["write", "fast"],
    keys: [1, 1, 1],
    group: "generic",
    since: "2.6.0",
    syntax: "key unix-time-milliseconds [NX | XX | GT | LT]",
    summary: "Sets the expiration time of a key to a Unix milliseconds timestamp.",
    complexity: "O(1)",
    handler: expireCommand("pexpireat", PXAT),
  },
  {
    name: "ttl",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    group: "generic",
    since: "1.0.0",
    syntax: "key",
    summary: "Returns the expiration time in seconds of a key (-2 missing, -1 no expiry).",
    complexity: "O(1)",
    handler: ttlCommand(false, false),
  },
  {
    name: "pttl",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    group: "generic",
    since: "2.6.0",
    syntax: "key",
    summary: "Returns the expiration time in milliseconds of a key.",
    complexity: "O(1)",
    handler: ttlCommand(true, false),
  },
  {
    name: "expiretime",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    group: "generic",
    since: "7.0.0",
    syntax: "key",
    summary: "Returns the expiration time of a key as a Unix timestamp in seconds.",
    complexity: "O(1)",
    handler: ttlCommand(false, true),
  },
  {
    name: "pexpiretime",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    group: "generic",
    since: "7.0.0",
    syntax: "key",
    summary: "Returns the expiration time of a key as a Unix milliseconds timestamp.",
    complexity: "O(1)",
    handler: ttlCommand(true, true),
  },
  {
    name: "persist",
    arity: 2,
    flags: ["write", "fast"],
    keys: [1, 1, 1],
    group: "generic",
    since: "2.2.0",
    syntax: "key",
    summary: "Removes the expiration time of a key.",
    complexity: "O(1)",
    handler: (cx) => cx.out.int(cx.db.persist(cx.arg(1)) ? 1 : 0),
  },
];
