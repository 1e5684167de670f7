// What every collection family (lists, hashes, sets, sorted sets) does the same way: finding
// the value of the right type at a key (or replying WRONGTYPE), creating it on first write, and
// deleting the key once a command has emptied it, as Redis does.
import type { Context } from "./context.ts";
import type { Collection } from "../store/keyspace.ts";
import { WRONGTYPE } from "./replies.ts";

/** A collection class, used to check a stored value's type with `instanceof`. */
// deno-lint-ignore no-explicit-any
export type CollectionClass<T extends Collection> = abstract new (...args: any[]) => T;

/**
 * The `kind` collection at `key` for a read command (counting a keyspace hit or miss), or
 * undefined when the key is missing; null after replying WRONGTYPE.
 */
export function readCollection<T extends Collection>(
  cx: Context,
  key: string,
  kind: CollectionClass<T>,
): T | undefined | null {
  return ofKind(cx, cx.db.lookupRead(key), kind);
}

/** The `kind` collection at `key` for a write command (no hit or miss counted), as above. */
export function writeCollection<T extends Collection>(
  cx: Context,
  key: string,
  kind: CollectionClass<T>,
): T | undefined | null {
  return ofKind(cx, cx.db.get(key), kind);
}

/**
 * The `kind` collection at `key` for a command that adds to it, created (and stored) when the
 * key is missing; null after replying WRONGTYPE. Only call it once the command's arguments are
 * validated, so a refused command never leaves an empty collection behind.
 */
export function createCollection<T extends Collection>(
  cx: Context,
  key: string,
  kind: CollectionClass<T>,
  create: () => T,
): T | null {
  const found = ofKind(cx, cx.db.get(key), kind);
  if (found !== undefined) return found;
  const fresh = create();
  cx.db.set(key, fresh);
  return fresh;
}

/** Deletes `key` when the command left its collection empty; true when it did. */
export function deleteIfEmpty(cx: Context, key: string, value: Collection): boolean {
  if (value.size !== 0) return false;
  cx.db.delete(key);
  return true;
}

function ofKind<T extends Collection>(
  cx: Context,
  v: unknown,
  kind: CollectionClass<T>,
): T | undefined | null {
  if (v === undefined || v instanceof kind) return v as T | undefined;
  cx.out.error(WRONGTYPE);
  return null;
}

/**
 * Tells blocked clients (BLPOP, BZPOPMIN ...) that `key` got elements; call it after every write
 * that adds to a list or sorted set.
 */
export function signalKeyReady(cx: Context, key: string): void {
  cx.server.blocking.keyReady(key);
}
