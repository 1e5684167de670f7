// The cursor protocol shared by SCAN, HSCAN, SSCAN and ZSCAN: argument parsing with Redis's
// errors, and the loop that walks a parked iterator COUNT elements at a time (see
// store/cursors.ts for why cursors are server-side iterators).
import type { Context } from "./context.ts";
import { globMatch } from "../store/glob.ts";
import { NOT_INTEGER, SYNTAX } from "./replies.ts";
import type { Collection } from "../store/keyspace.ts";
import { type CollectionClass, readCollection } from "./collections.ts";

/** Redis's largest cursor (an unsigned long). */
const MAX_CURSOR = 18446744073709551615n;

/**
 * Parses a SCAN cursor as Redis's strtoul does: optional sign and decimal digits, no spaces,
 * within an unsigned long; "" and "-0" are cursor 0 too. Undefined when it is invalid.
 */
export function parseCursor(s: string): number | undefined {
  const m = /^([+-]?)(\d*)$/.exec(s);
  if (m === null || (m[1] !== "" && m[2] === "")) return undefined;
  const digits = m[2] === "" ? 0n : BigInt(m[2]);
  if (digits > MAX_CURSOR) return undefined;
  // A negative cursor wraps to a huge one in Redis; keyval hands out neither, so it is unknown.
  return m[1] === "-" ? -Number(digits) : Number(digits);
}

/** A parsed SCAN-family request. */
export interface ScanRequest {
  cursor: number;
  count: number;
  /** MATCH pattern; undefined for none or "*". */
  pattern: string | undefined;
  /** SCAN's TYPE filter, lower-cased. */
  type: string | undefined;
}

/**
 * Parses `cursor [MATCH p] [COUNT n]` (plus `[TYPE t]` when `withType`, as SCAN has) from
 * argument `at`, replying with Redis's error and returning undefined when it is invalid.
 */
export function parseScan(cx: Context, at: number, withType = false): ScanRequest | undefined {
  const cursor = parseCursor(cx.arg(at));
  if (cursor === undefined) {
    cx.out.error("ERR invalid cursor");
    return undefined;
  }
  const r: ScanRequest = { cursor, count: 10, pattern: undefined, type: undefined };
  for (let i = at + 1; i < cx.argc; i++) {
    if (i + 1 >= cx.argc) return fail(cx, SYNTAX);
    if (cx.argIs(i, "count")) {
      const n = cx.argInt(++i);
      if (n === undefined) return fail(cx, NOT_INTEGER);
      if (n < 1) return fail(cx, SYNTAX);
      r.count = Number(n);
    } else if (cx.argIs(i, "match")) {
      const p = cx.arg(++i);
      r.pattern = p === "*" ? undefined : p;
    } else if (withType && cx.argIs(i, "type")) {
      r.type = cx.arg(++i).toLowerCase();
    } else {
      return fail(cx, SYNTAX);
    }
  }
  return r;
}

function fail(cx: Context, error: string): undefined {
  cx.out.error(error);
  return undefined;
}

/**
 * Walks up to `req.count` names (keys, fields, members) of `owner` from the request's cursor,
 * keeping those that match the pattern and that `keep` accepts, and replies
 * `[next cursor, ...]` where `reply` writes the kept ones as one array (with their values ...).
 */
export function scanReply(
  cx: Context,
  req: ScanRequest,
  owner: object,
  start: () => Iterator<string>,
  reply: (found: string[]) => void,
  keep?: (name: string) => boolean,
): void {
  const cursors = cx.server.cursors;
  const it = cursors.open(req.cursor, owner, start);
  if (it === undefined) return cx.out.error("ERR invalid cursor");
  const found: string[] = [];
  let done = false;
  for (let visited = 0; visited < req.count; visited++) {
    const r = it.next();
    if (r.done) {
      done = true;
      break;
    }
    const name = r.value;
    if (req.pattern !== undefined && !globMatch(req.pattern, name)) continue;
    if (keep !== undefined && !keep(name)) continue;
    found.push(name);
  }
  cx.out.array(2);
  cx.out.bulk(done ? "0" : String(cursors.park(owner, it)));
  reply(found);
}

/** What differs between HSCAN, SSCAN and ZSCAN: the type, how to walk it, how to reply. */
export interface CollectionScan<T extends Collection> {
  kind: CollectionClass<T>;
  /**
   * An iterator over element names that sees every element present from its start to its end;
   * `whole` for a small encoding, which Redis answers in one call (in the encoding's order).
   */
  walk(value: T, whole: boolean): Iterator<string>;
  /** Writes the kept elements as one array reply (with their values or scores). */
  reply(value: T, found: string[]): void;
  /** False for a name the walk yields that is no longer an element. */
  keep?(value: T, name: string): boolean;
}

/** The encodings Redis scans with a real cursor; smaller ones are answered in one call. */
const CURSOR_ENCODINGS = new Set(["hashtable", "skiplist"]);

/**
 * HSCAN, SSCAN and ZSCAN `key cursor [MATCH p] [COUNT n]`, checked in Redis's order: the
 * cursor, then the key's type (a missing key ignores the options), then the options.
 */
export function scanCollection<T extends Collection>(cx: Context, scan: CollectionScan<T>): void {
  if (parseCursor(cx.arg(2)) === undefined) return cx.out.error("ERR invalid cursor");
  const value = readCollection(cx, cx.arg(1), scan.kind);
  if (value === null) return;
  if (value === undefined) {
    cx.out.array(2);
    cx.out.bulk("0");
    return cx.out.array(0);
  }
  const req = parseScan(cx, 2);
  if (req === undefined) return;
  const whole = !CURSOR_ENCODINGS.has(value.encoding());
  if (whole) {
    req.cursor = 0;
    req.count = Infinity;
  }
  const keep = scan.keep;
  scanReply(
    cx,
    req,
    value,
    () => scan.walk(value, whole),
    (found) => scan.reply(value, found),
    keep && ((name) => keep(value, name)),
  );
}
