// Generic key commands: existence, deletion, type, iteration (KEYS, SCAN), renaming, copying.
import type { Context } from "./context.ts";
import { type CommandSpec, subcommandsOf } from "./table.ts";
import { containerHelp } from "./introspection.ts";
import { globMatch } from "../store/glob.ts";
import type { ExpiryTime, Value } from "../store/keyspace.ts";
import * as clock from "../store/clock.ts";
import { signalKeyReady } from "./collections.ts";
import { parseScan, scanReply } from "./scan.ts";
import { NO_SUCH_KEY, NOT_INTEGER, SYNTAX } from "./replies.ts";

/** Redis's TYPE name for a value. */
export function typeName(value: Value | undefined): string {
  return value === undefined ? "none" : typeof value === "string" ? "string" : value.type;
}

function del(cx: Context): void {
  let n = 0;
  for (let i = 1; i < cx.argc; i++) if (cx.db.delete(cx.arg(i))) n++;
  cx.server.stats.dels += n;
  cx.out.int(n);
}

/** EXISTS and TOUCH: how many of the keys exist (a key named twice counts twice). */
function exists(cx: Context): void {
  let n = 0;
  for (let i = 1; i < cx.argc; i++) if (cx.db.lookupRead(cx.arg(i)) !== undefined) n++;
  cx.out.int(n);
}

function type(cx: Context): void {
  cx.out.simple(typeName(cx.db.lookupRead(cx.arg(1))));
}

function keys(cx: Context): void {
  const pattern = cx.arg(1);
  const all = pattern === "*";
  const db = cx.db;
  const found: string[] = [];
  const now = clock.now();
  db.data.forEach((_, key) => {
    if (!all && !globMatch(pattern, key)) return;
    const at = db.expires.get(key);
    if (at !== undefined && at < now) return; // left for lazy expiry, as Redis does in KEYS
    found.push(key);
  });
  cx.out.bulks(found);
}

function scan(cx: Context): void {
  const req = parseScan(cx, 1, true);
  if (req === undefined) return;
  const db = cx.db;
  const type = req.type;
  scanReply(
    cx,
    req,
    db,
    () => db.data.keys(),
    (found) => cx.out.bulks(found),
    // As in Redis, checking a key's TYPE is a read that counts a keyspace hit or miss.
    type === undefined
      ? (key) => db.get(key) !== undefined
      : (key) => typeName(db.lookupRead(key)) === type,
  );
}

function flush(cx: Context): void {
  if (cx.argc > 2 || (cx.argc === 2 && !cx.argIs(1, "async") && !cx.argIs(1, "sync"))) {
    return cx.out.error(SYNTAX);
  }
  cx.db.flush();
  cx.server.cursors.clear();
  cx.out.ok();
}

/**
 * Stores a moved or copied value under `key` with its expiry time, waking clients blocked on
 * the key (BLPOP on a list renamed into place gets served, as Redis's dbAdd signals it).
 */
function store(cx: Context, key: string, value: Value, at: ExpiryTime | undefined): void {
  if (at === undefined) cx.db.set(key, value);
  else cx.db.setWithExpiry(key, value, at);
  if (typeof value !== "string") signalKeyReady(cx, key);
}

/** RENAME and RENAMENX: moves the value and its TTL to the new name. */
function renameCommand(nx: boolean): (cx: Context) => void {
  return (cx) => {
    const from = cx.arg(1);
    const to = cx.arg(2);
    const db = cx.db;
    const value = db.get(from);
    if (value === undefined) return cx.out.error(NO_SUCH_KEY);
    if (from === to) return nx ? cx.out.int(0) : cx.out.ok();
    if (nx && db.has(to)) return cx.out.int(0);
    const at = db.expiryTime(from);
    db.delete(from);
    store(cx, to, value, at);
    if (nx) cx.out.int(1);
    else cx.out.ok();
  };
}

function copy(cx: Context): void {
  let replace = false;
  for (let i = 3; i < cx.argc; i++) {
    if (cx.argIs(i, "replace")) {
      replace = true;
    } else if (cx.argIs(i, "db") && i + 1 < cx.argc) {
      const n = cx.argInt(++i);
      if (n === undefined) return cx.out.error(NOT_INTEGER);
      if (n !== 0) return cx.out.error("ERR DB index is out of range");
    } else {
      return cx.out.error(SYNTAX);
    }
  }
  const from = cx.arg(1);
  const to = cx.arg(2);
  if (from === to) return cx.out.error("ERR source and destination objects are the same");
  const db = cx.db;
  const found = db.lookupRead(from); // Redis reads the source (a hit or miss), writes the rest
  if (found === undefined) return cx.out.int(0);
  if (!replace && db.has(to)) return cx.out.int(0);
  const value = typeof found === "string" ? found : found.clone();
  store(cx, to, value, db.expiryTime(from));
  cx.out.int(1);
}

/** Redis's encoding of a string: "int" for a canonical 64-bit integer, short "embstr", "raw". */
function stringEncoding(v: string): string {
  if (v.length <= 20 && /^(0|-?[1-9]\d*)$/.test(v)) {
    const n = BigInt(v);
    if (n >= -9223372036854775808n && n <= 9223372036854775807n) return "int";
  }
  return v.length <= 44 ? "embstr" : "raw";
}

/** The value at argument 2 for OBJECT, or null after replying nil for a missing key. */
function objectValue(cx: Context): Value | null {
  const v = cx.db.lookupRead(cx.arg(2));
  if (v === undefined) {
    cx.out.nil();
    return null;
  }
  return v;
}

const objectSub = subcommandsOf({
  flags: ["readonly"],
  group: "generic",
  since: "2.2.3",
  complexity: "O(1)",
});

const objectSubcommands: CommandSpec[] = [
  objectSub("encoding", 3, "key", "Returns the internal encoding of a Redis object.", (cx) => {
    const v = objectValue(cx);
    if (v !== null) cx.out.bulk(typeof v === "string" ? stringEncoding(v) : v.encoding());
  }),
  objectSub("refcount", 3, "key", "Returns the reference count of a value of a key.", (cx) => {
    const v = objectValue(cx);
    if (v === null) return;
    // Redis shares the objects of the integers 0-9999 and reports them as referenced INT_MAX times.
    const shared = typeof v === "string" && /^(0|[1-9]\d{0,3})$/.test(v);
    cx.out.int(shared ? 2147483647 : 1);
  }),
  objectSub("freq", 3, "key", "Returns the logarithmic access frequency counter.", (cx) => {
    if (objectValue(cx) === null) return;
    // keyval has no eviction policy, hence no LFU counter: Redis's reply in that case.
    cx.out.error(
      "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note " +
        "that when switching between policies at runtime LRU and LFU data will take some time " +
        "to adjust.",
    );
  }),
  objectSub("help", 2, "", "Returns helpful text about the different subcommands.", (cx) => {
    containerHelp(cx, "object");
  }),
];

function randomkey(cx: Context): void {
  cx.out.bulkOrNil(cx.db.randomKey());
}

const allKeys: [number, number, number] = [1, -1, 1];

export const keyCommands: CommandSpec[] = [
  {
    name: "del",
    arity: -2,
    flags: ["write"],
    keys: allKeys,
    group: "generic",
    since: "1.0.0",
    syntax: "key [key ...]",
    summary: "Deletes one or more keys; replies how many existed.",
    complexity: "O(N) where N is the number of keys that will be removed.",
    handler: del,
  },
  {
    name: "unlink",
    arity: -2,
    flags: ["write", "fast"],
    keys: allKeys,
    group: "generic",
    since: "4.0.0",
    syntax: "key [key ...]",
    summary: "Deletes one or more keys (memory is reclaimed by the garbage collector).",
    complexity: "O(1) for each key removed.",
    handler: del,
  },
  {
    name: "exists",
    arity: -2,
    flags: ["readonly", "fast"],
    keys: allKeys,
    group: "generic",
    since: "1.0.0",
    syntax: "key [key ...]",
    summary: "Determines whether one or more keys exist; a key named twice counts twice.",
    complexity: "O(N) where N is the number of keys to check.",
    handler: exists,
  },
  {
    name: "touch",
    arity: -2,
    flags: ["readonly", "fast"],
    keys: allKeys,
    group: "generic",
    since: "3.2.1",
    syntax: "key [key ...]",
    summary: "Returns the number of existing keys out of those specified.",
    complexity: "O(N) where N is the number of keys that will be touched.",
    handler: exists,
  },
  {
    name: "type",
    arity: 2,
    flags: ["readonly", "fast"],
    keys: [1, 1, 1],
    group: "generic",
    since: "1.0.0",
    syntax: "key",
    summary: "Determines the type of value stored at a key (none when missing).",
    complexity: "O(1)",
    handler: type,
  },
  {
    name: "keys",
    arity: 2,
    flags: ["readonly"],
    group: "generic",
    since: "1.0.0",
    syntax: "pattern",
    summary: "Returns all key names that match a glob pattern (*, ?, [abc], [^a-z], \\x).",
    complexity: "O(N) with N being the number of keys in the database.",
    handler: keys,
  },
  {
    name: "scan",
    arity: -2,
    flags: ["readonly"],
    group: "generic",
    since: "2.8.0",
    syntax: "cursor [MATCH pattern] [COUNT count] [TYPE type]",
    summary:
      "Iterates over the key names in the database; a full iteration returns every key present throughout.",
    complexity: "O(1) for every call. O(N) for a complete iteration.",
    handler: scan,
  },
  {
    name: "dbsize",
    arity: 1,
    flags: ["readonly", "fast"],
    group: "server",
    since: "1.0.0",
    syntax: "",
    summary: "Returns the number of keys in the database.",
    complexity: "O(1)",
    handler: (cx) => cx.out.int(cx.db.size),
  },
  {
    name: "flushall",
    arity: -1,
    flags: ["write"],
    group: "server",
    since: "1.0.0",
    syntax: "[ASYNC | SYNC]",
    summary: "Removes all keys from all databases.",
    complexity: "O(N) where N is the total number of keys in all databases.",
    handler: flush,
  },
  {
    name: "flushdb",
    arity: -1,
    flags: ["write"],
    group: "server",
    since: "1.0.0",
    syntax: "[ASYNC | SYNC]",
    summary: "Remove all keys from the current database.",
    complexity: "O(N) where N is the number of keys in the selected database.",
    handler: flush,
  },
  {
    name: "rename",
    arity: 3,
    flags: ["write"],
    keys: [1, 2, 1],
    group: "generic",
    since: "1.0.0",
    syntax: "key newkey",
    summary: "Renames a key and overwrites the destination.",
    complexity: "O(1)",
    handler: renameCommand(false),
  },
  {
    name: "renamenx",
    arity: 3,
    flags: ["write", "fast"],
    keys: [1, 2, 1],
    group: "generic",
    since: "1.0.0",
    syntax: "key newkey",
    summary: "Renames a key only when the target key name doesn't exist.",
    complexity: "O(1)",
    handler: renameCommand(true),
  },
  {
    name: "copy",
    arity: -3,
    flags: ["write", "denyoom"],
    keys: [1, 2, 1],
    group: "generic",
    since: "6.2.0",
    syntax: "source destination [DB destination-db] [REPLACE]",
    summary: "Copies the value of a key (and its TTL) to a new key.",
    complexity: "O(N) worst case for collections, where N is the number of nested items.",
    handler: copy,
  },
  {
    name: "randomkey",
    arity: 1,
    flags: ["readonly"],
    group: "generic",
    since: "1.0.0",
    syntax: "",
    summary: "Returns a random key name from the database.",
    complexity: "O(1)",
    handler: randomkey,
  },
  {
    name: "object",
    arity: -2,
    flags: [],
    group: "generic",
    since: "2.2.3",
    syntax: "<subcommand> [arg ...]",
    summary: "A container for object introspection commands.",
    complexity: "Depends on subcommand.",
    subcommands: objectSubcommands,
  },
];
