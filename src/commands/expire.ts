// Time to live: EXPIRE and friends, TTL and friends, PERSIST, and the expiry-time parsing that
// SET, GETEX and SETEX share with them.
import type { Context } from "./context.ts";
import type { CommandSpec } from "./table.ts";
import { INT64_MAX, parseInt64 } from "./numbers.ts";
import { NOT_INTEGER } from "./replies.ts";

const MAX_MS = Number(INT64_MAX);

/** How an expiry argument is written: relative or absolute, in seconds or milliseconds. */
export interface ExpiryUnit {
  seconds: boolean;
  absolute: boolean;
}

export const EX: ExpiryUnit = { seconds: true, absolute: false };
export const PX: ExpiryUnit = { seconds: false, absolute: false };
export const EXAT: ExpiryUnit = { seconds: true, absolute: true };
export const PXAT: ExpiryUnit = { seconds: false, absolute: true };

/**
 * The absolute expiry time (Unix ms) given by argument i, as SET, GETEX and SETEX read it: the
 * number must be positive. Replies with Redis's error and returns undefined otherwise.
 */
export function parseSetExpiry(
  cx: Context,
  i: number,
  unit: ExpiryUnit,
  command: string,
): number | undefined {
  const v = parseInt64(cx.arg(i));
  if (v === undefined) {
    cx.out.error(NOT_INTEGER);
    return undefined;
  }
  let ms = Number(v);
  if (ms <= 0 || (unit.seconds && ms > MAX_MS / 1000)) {
    cx.out.error(`ERR invalid expire time in '${command}' command`);
    return undefined;
  }
  if (unit.seconds) ms *= 1000;
  if (!unit.absolute) ms += Date.now();
  if (ms > MAX_MS) {
    cx.out.error(`ERR invalid expire time in '${command}' command`);
    return undefined;
  }
  return ms;
}

const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;

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
    const v = parseInt64(cx.arg(2));
    if (v === undefined) return cx.out.error(NOT_INTEGER);
    let when = Number(v);
    if (unit.seconds) {
      if (Math.abs(when) > MAX_MS / 1000) return cx.out.error(invalid);
      when *= 1000;
    }
    if (!unit.absolute) {
      const now = Date.now();
      if (when > MAX_MS - now) return cx.out.error(invalid);
      when += now;
    }
    cx.server.stats.expire++;
    const key = cx.arg(1);
    const current = cx.db.expiryOf(key);
    if (current === -2) return cx.out.int(0);
    if (
      ((flags & NX) && current !== -1) ||
      ((flags & XX) && current === -1) ||
      ((flags & GT) && (current === -1 || when <= current)) ||
      ((flags & LT) && current !== -1 && when >= current)
    ) {
      return cx.out.int(0);
    }
    cx.db.expireAt(key, when);
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
    let ttl = absolute ? at : at - Date.now();
    if (ttl < 0) ttl = 0;
    cx.out.int(ms ? ttl : Math.floor((ttl + 500) / 1000));
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
