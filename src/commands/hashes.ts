// Hash commands (HSET, HGET, HINCRBY, HRANDFIELD, HSCAN ...), with Redis 7's replies and errors
// (t_hash.c). A command that empties a hash deletes its key.
import type { Context } from "./context.ts";
import { type CommandSpec, specOf } from "./table.ts";
import { createCollection, deleteIfEmpty, readCollection, writeCollection } from "./collections.ts";
import { addDecimal, addInt64, formatDecimal, parseDecimal, parseInt64 } from "./numbers.ts";
import { NOT_FLOAT, NOT_INTEGER, OVERFLOW, REPLY_TOO_LARGE, SYNTAX } from "./replies.ts";
import { MIN_BULK_BYTES } from "../protocol/encoder.ts";
import { HashValue } from "../store/hash.ts";
import { pairCountFits, parseCount } from "./args.ts";
import { scanCollection } from "./scan.ts";

const newHash = () => new HashValue();

/** HSET and HMSET: field/value pairs from argument 2; HSET replies with the new fields. */
function hsetCommand(name: "hset" | "hmset"): (cx: Context) => void {
  return (cx) => {
    if (cx.argc % 2 === 1) {
      return cx.out.error(`ERR wrong number of arguments for '${name}' command`);
    }
    const h = createCollection(cx, cx.arg(1), HashValue, newHash);
    if (h === null) return;
    let created = 0;
    for (let i = 2; i < cx.argc; i += 2) if (h.set(cx.arg(i), cx.arg(i + 1))) created++;
    if (name === "hset") cx.out.int(created);
    else cx.out.ok();
  };
}

function hsetnx(cx: Context): void {
  // A hash created here is not left empty: a new hash cannot hold the field yet.
  const h = createCollection(cx, cx.arg(1), HashValue, newHash);
  if (h === null) return;
  const field = cx.arg(2);
  if (h.has(field)) return cx.out.int(0);
  h.set(field, cx.arg(3));
  cx.out.int(1);
}

function hget(cx: Context): void {
  const h = readCollection(cx, cx.arg(1), HashValue);
  if (h !== null) cx.out.bulkOrNil(h?.get(cx.arg(2)));
}

function hmget(cx: Context): void {
  const h = readCollection(cx, cx.arg(1), HashValue);
  if (h === null) return;
  cx.out.array(cx.argc - 2);
  for (let i = 2; i < cx.argc; i++) cx.out.bulkOrNil(h?.get(cx.arg(i)));
}

function hdel(cx: Context): void {
  const key = cx.arg(1);
  const h = writeCollection(cx, key, HashValue);
  if (h === null) return;
  if (h === undefined) return cx.out.int(0);
  let deleted = 0;
  for (let i = 2; i < cx.argc; i++) if (h.delete(cx.arg(i))) deleted++;
  deleteIfEmpty(cx, key, h);
  cx.out.int(deleted);
}

function hlen(cx: Context): void {
  const h = readCollection(cx, cx.arg(1), HashValue);
  if (h !== null) cx.out.int(h?.size ?? 0);
}

function hexists(cx: Context): void {
  const h = readCollection(cx, cx.arg(1), HashValue);
  if (h !== null) cx.out.int(h?.has(cx.arg(2)) ? 1 : 0);
}

function hstrlen(cx: Context): void {
  const h = readCollection(cx, cx.arg(1), HashValue);
  if (h !== null) cx.out.int(h?.get(cx.arg(2))?.length ?? 0);
}

const FIELDS = 1;
const VALUES = 2;

/** HGETALL, HKEYS and HVALS: the whole hash in insertion order, as a flat array. */
function hgetallCommand(parts: number): (cx: Context) => void {
  const perField = parts === (FIELDS | VALUES) ? 2 : 1;
  return (cx) => {
    const h = readCollection(cx, cx.arg(1), HashValue);
    if (h === null) return;
    if (h === undefined) return cx.out.array(0);
    const out = cx.out;
    out.array(h.size * perField);
    h.forEach((field, value) => {
      if (parts & FIELDS) out.bulk(field);
      if (parts & VALUES) out.bulk(value);
    });
  };
}

function hincrby(cx: Context): void {
  const by = cx.argInt(3);
  if (by === undefined) return cx.out.error(NOT_INTEGER);
  const h = createCollection(cx, cx.arg(1), HashValue, newHash);
  if (h === null) return;
  const field = cx.arg(2);
  const old = h.get(field);
  const current = old === undefined ? 0 : parseInt64(old);
  if (current === undefined) return cx.out.error("ERR hash value is not an integer");
  const result = addInt64(current, by);
  if (result === undefined) return cx.out.error(OVERFLOW);
  h.set(field, String(result));
  cx.out.int(result);
}

function hincrbyfloat(cx: Context): void {
  const by = parseDecimal(cx.arg(3));
  if (by === undefined) return cx.out.error(NOT_FLOAT);
  if (typeof by === "string") return cx.out.error("ERR value is NaN or Infinity");
  const h = createCollection(cx, cx.arg(1), HashValue, newHash);
  if (h === null) return;
  const field = cx.arg(2);
  const old = h.get(field);
  const current = old === undefined ? { mant: 0n, exp: 0 } : parseDecimal(old);
  if (current === undefined) return cx.out.error("ERR hash value is not a float");
  const sum = typeof current === "string" ? undefined : addDecimal(current, by);
  if (sum === undefined) return cx.out.error("ERR increment would produce NaN or Infinity");
  const value = formatDecimal(sum);
  h.set(field, value);
  cx.out.bulk(value);
}

function hrandfield(cx: Context): void {
  if (cx.argc === 2) {
    const h = readCollection(cx, cx.arg(1), HashValue);
    if (h === null) return;
    return cx.out.bulkOrNil(h === undefined ? undefined : h.fieldAt(h.randomIndex()));
  }
  const n = parseCount(cx, 2);
  if (n === undefined) return;
  if (cx.argc > 4 || (cx.argc === 4 && !cx.argIs(3, "withvalues"))) return cx.out.error(SYNTAX);
  const withValues = cx.argc === 4;
  if (withValues && !pairCountFits(cx, 2)) return;
  const h = readCollection(cx, cx.arg(1), HashValue);
  if (h === null) return;
  if (h === undefined || n === 0) return cx.out.array(0);
  const out = cx.out;
  const perField = withValues ? 2 : 1;
  const count = Math.abs(n);
  if (n < 0 || count === 1) {
    // Sampling with repetition: the count may exceed the size, but not the reply limit.
    if (!out.fits(count * perField, MIN_BULK_BYTES)) return out.error(REPLY_TOO_LARGE);
    out.array(count * perField);
    for (let i = 0; i < count; i++) {
      const at = h.randomIndex();
      out.bulk(h.fieldAt(at));
      if (withValues) out.bulk(h.valueAt(at));
    }
    return;
  }
  if (count >= h.size) {
    out.array(h.size * perField);
    return h.forEach((field, value) => {
      out.bulk(field);
      if (withValues) out.bulk(value);
    });
  }
  const picks = h.sample(count);
  out.array(count * perField);
  for (const at of picks) {
    out.bulk(h.fieldAt(at));
    if (withValues) out.bulk(h.valueAt(at));
  }
}

function hscan(cx: Context): void {
  scanCollection(cx, {
    kind: HashValue,
    walk: (h, whole) => h.scan(whole),
    reply: (h, fields) => {
      cx.out.array(fields.length * 2);
      for (const f of fields) {
        cx.out.bulk(f);
        cx.out.bulk(h.get(f) as string);
      }
    },
  });
}

const readFast: CommandSpec["flags"] = ["readonly", "fast"];
const writeFast: CommandSpec["flags"] = ["write", "denyoom", "fast"];
const oneKey: [number, number, number] = [1, 1, 1];

const spec = specOf("hash");

const ONE_PER_FIELD = "O(N) where N is the number of fields being set.";
const WHOLE_HASH = "O(N) where N is the size of the hash.";

export const hashCommands: CommandSpec[] = [
  spec(
    "hset",
    -4,
    writeFast,
    oneKey,
    "2.0.0",
    "key field value [field value ...]",
    "Creates or modifies the value of a field in a hash.",
    "O(1) for each field/value pair added, so O(N) to add N field/value pairs.",
    hsetCommand("hset"),
  ),
  spec(
    "hmset",
    -4,
    writeFast,
    oneKey,
    "2.0.0",
    "key field value [field value ...]",
    "Sets the values of multiple fields (deprecated: HSET takes several pairs).",
    ONE_PER_FIELD,
    hsetCommand("hmset"),
  ),
  spec(
    "hsetnx",
    4,
    writeFast,
    oneKey,
    "2.0.0",
    "key field value",
    "Sets the value of a field in a hash only when the field doesn't exist.",
    "O(1)",
    hsetnx,
  ),
  spec(
    "hget",
    3,
    readFast,
    oneKey,
    "2.0.0",
    "key field",
    "Returns the value of a field in a hash.",
    "O(1)",
    hget,
  ),
  spec(
    "hmget",
    -3,
    readFast,
    oneKey,
    "2.0.0",
    "key field [field ...]",
    "Returns the values of all fields in a hash.",
    "O(N) where N is the number of fields being requested.",
    hmget,
  ),
  spec(
    "hdel",
    -3,
    ["write", "fast"],
    oneKey,
    "2.0.0",
    "key field [field ...]",
    "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.",
    "O(N) where N is the number of fields to be removed.",
    hdel,
  ),
  spec(
    "hlen",
    2,
    readFast,
    oneKey,
    "2.0.0",
    "key",
    "Returns the number of fields in a hash.",
    "O(1)",
    hlen,
  ),
  spec(
    "hexists",
    3,
    readFast,
    oneKey,
    "2.0.0",
    "key field",
    "Determines whether a field exists in a hash.",
    "O(1)",
    hexists,
  ),
  spec(
    "hstrlen",
    3,
    readFast,
    oneKey,
    "3.2.0",
    "key field",
    "Returns the length of the value of a field.",
    "O(1)",
    hstrlen,
  ),
  spec(
    "hgetall",
    2,
    ["readonly"],
    oneKey,
    "2.0.0",
    "key",
    "Returns all fields and values in a hash (insertion order).",
    WHOLE_HASH,
    hgetallCommand(FIELDS | VALUES),
  ),
  spec(
    "hkeys",
    2,
    ["readonly"],
    oneKey,
    "2.0.0",
    "key",
    "Returns all fields in a hash (insertion order).",
    WHOLE_HASH,
    hgetallCommand(FIELDS),
  ),
  spec(
    "hvals",
    2,
    ["readonly"],
    oneKey,
    "2.0.0",
    "key",
    "Returns all values in a hash (insertion order).",
    WHOLE_HASH,
    hgetallCommand(VALUES),
  ),
  spec(
    "hincrby",
    4,
    writeFast,
    oneKey,
    "2.0.0",
    "key field increment",
    "Increments the integer value of a field in a hash by a number. Uses 0 as initial value.",
    "O(1)",
    hincrby,
  ),
  spec(
    "hincrbyfloat",
    4,
    writeFast,
    oneKey,
    "2.6.0",
    "key field increment",
    "Increments the floating point value of a field by a number. Uses 0 as initial value (80-bit long double, printed with 17 decimals).",
    "O(1)",
    hincrbyfloat,
  ),
  spec(
    "hrandfield",
    -2,
    ["readonly"],
    oneKey,
    "6.2.0",
    "key [count [WITHVALUES]]",
    "Returns one or more random fields from a hash (a negative count may repeat fields).",
    "O(N) where N is the number of fields returned",
    hrandfield,
  ),
  spec(
    "hscan",
    -3,
    ["readonly"],
    oneKey,
    "2.8.0",
    "key cursor [MATCH pattern] [COUNT count]",
    "Iterates over fields and values of a hash (a small hash comes whole in one call).",
    "O(1) for every call. O(N) for a complete iteration.",
    hscan,
  ),
];
