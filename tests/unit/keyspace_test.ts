// Keyspace: lazy expiry in one place, TTL bookkeeping, hit/miss counting, random keys.
import assert from "node:assert/strict";
import { Keyspace } from "../../src/store/keyspace.ts";
import { ByteBuffer } from "../../src/protocol/latin1.ts";

/** Room at the end of a request-like buffer for the value `setTo` stores. */
const VALUE_ROOM = 80;

/** `key` in a request-like buffer, between other bytes: [buffer, start, end]. */
function inRequest(key: string): [ByteBuffer, number, number] {
  const mem = new ByteBuffer(key.length + 8 + VALUE_ROOM);
  mem.bytes.fill(0x7a);
  mem.writeLatin1(key, 4);
  return [mem, 4, 4 + key.length];
}

/**
 * `setBytes` of the key in bytes [s, e) of `mem` to `value`, written in the buffer's last bytes,
 * expiring at `expiry` if given.
 */
function setTo(
  ks: Keyspace,
  mem: ByteBuffer,
  s: number,
  e: number,
  value: string,
  expiry?: number,
): void {
  const at = mem.bytes.length - VALUE_ROOM;
  mem.writeLatin1(value, at);
  ks.setBytes(mem, s, e, at, at + value.length, expiry);
}

Deno.test("get returns live values and deletes a key whose time has passed", () => {
  const ks = new Keyspace();
  ks.set("a", "1");
  ks.setWithExpiry("b", "2", Date.now() + 60_000);
  ks.setWithExpiry("c", "3", Date.now() - 1);
  assert.equal(ks.get("a"), "1");
  assert.equal(ks.get("b"), "2");
  assert.equal(ks.size, 3, "an expired key stays until someone looks (as DBSIZE counts it)");
  assert.equal(ks.get("c"), undefined);
  assert.equal(ks.size, 2);
  assert.equal(ks.expires.has("c"), false);
  assert.equal(ks.expiredKeys, 1);
});

Deno.test("set drops the TTL, overwrite keeps it, persist removes it", () => {
  const ks = new Keyspace();
  const at = Date.now() + 60_000;
  ks.setWithExpiry("k", "v", at);
  ks.overwrite("k", "w");
  assert.equal(ks.expiryOf("k"), at);
  ks.set("k", "x");
  assert.equal(ks.expiryOf("k"), -1);
  ks.expireAt("k", at);
  assert.equal(ks.persist("k"), true);
  assert.equal(ks.persist("k"), false);
  assert.equal(ks.expiryOf("missing"), -2);
});

Deno.test("expireAt with a time already past deletes the key", () => {
  const ks = new Keyspace();
  ks.set("k", "v");
  ks.expireAt("k", Date.now() - 1000);
  assert.equal(ks.has("k"), false);
  assert.equal(ks.size, 0);
});

Deno.test("delete reports only live keys", () => {
  const ks = new Keyspace();
  ks.setWithExpiry("gone", "v", Date.now() - 1);
  ks.set("here", "v");
  assert.equal(ks.delete("gone"), false);
  assert.equal(ks.delete("here"), true);
  assert.equal(ks.delete("here"), false);
});

Deno.test("lookupRead counts hits and misses", () => {
  const ks = new Keyspace();
  ks.set("a", "1");
  ks.lookupRead("a");
  ks.lookupRead("a");
  ks.lookupRead("b");
  assert.deepEqual([ks.hits, ks.misses], [2, 1]);
});

Deno.test("randomKey returns only live keys and eventually each of them", () => {
  const ks = new Keyspace();
  assert.equal(ks.randomKey(), undefined);
  for (let i = 0; i < 50; i++) ks.set(`k${i}`, "v");
  for (let i = 0; i < 50; i++) ks.setWithExpiry(`dead${i}`, "v", Date.now() - 1);
  const seen = new Set<string>();
  for (let i = 0; i < 5000 && seen.size < 50; i++) {
    const k = ks.randomKey();
    assert.ok(k !== undefined && k.startsWith("k"), `live key, got ${k}`);
    seen.add(k);
  }
  assert.equal(seen.size, 50);
});

Deno.test("the byte forms of lookupRead and set act as the string forms", () => {
  const ks = new Keyspace();
  ks.set("a", "1");
  assert.equal(ks.value(ks.lookupReadStored(...inRequest("a"))), "1");
  assert.equal(ks.lookupReadStored(...inRequest("b")), undefined);
  assert.deepEqual([ks.hits, ks.misses], [1, 1]);
  setTo(ks, ...inRequest("b"), "2");
  setTo(ks, ...inRequest("a"), "3");
  assert.equal(ks.get("b"), "2", "a new key is stored under its string");
  assert.equal(ks.get("a"), "3");
  assert.equal(ks.size, 2);
  // With TTLs about: an expired key is deleted when read, and a SET drops the TTL.
  ks.setWithExpiry("gone", "v", Date.now() - 1);
  assert.equal(ks.lookupReadStored(...inRequest("gone")), undefined);
  assert.equal(ks.has("gone"), false);
  assert.equal(ks.expiredKeys, 1);
  ks.setWithExpiry("a", "4", Date.now() + 60_000);
  setTo(ks, ...inRequest("a"), "5");
  assert.equal(ks.expiryOf("a"), -1);
  assert.equal(ks.get("a"), "5");
  // A TTL past 2^53 ms (kept exactly beside the rounded one) goes too; other keys keep theirs.
  const later = Date.now() + 120_000;
  ks.setWithExpiry("far", "f", 2n ** 60n);
  ks.setWithExpiry("near", "n", later);
  setTo(ks, ...inRequest("far"), "g");
  setTo(ks, ...inRequest("b"), "h");
  assert.deepEqual([ks.expiryOf("far"), ks.expiryOf("b"), ks.expiryOf("near")], [-1, -1, later]);
  assert.equal(ks.expires.size, 1);
  assert.equal(ks["farExpires"].size, 0, "the exact far time went with the TTL");
  // overwriteBytes keeps the TTL, as overwrite does, and never adds a key.
  const at = Date.now() + 60_000;
  ks.setWithExpiry("t", "6", at);
  assert.equal(ks.overwriteBytes(...inRequest("t"), "7"), true);
  assert.deepEqual([ks.value(ks.getStored(...inRequest("t"))), ks.expiryOf("t")], ["7", at]);
  assert.equal(ks.overwriteBytes(...inRequest("none"), "8"), false);
  assert.equal(ks.has("none"), false);
  assert.equal(ks.getStored(...inRequest("none")), undefined);
});

Deno.test("a write over a key whose time has passed counts it expired, as Redis's lookup does", () => {
  const ks = new Keyspace();
  const past = () => Date.now() - 1;
  const future = Date.now() + 60_000;
  ks.setWithExpiry("s1", "v", past());
  ks.set("s1", "w"); // SET, MSET, and the stores of the collection commands
  ks.setWithExpiry("s2", "v", past());
  ks.setWithExpiry("s2", "w", future); // SET EX, RENAME and COPY of a key with a TTL
  ks.setWithExpiry("s3", "v", past());
  setTo(ks, ...inRequest("s3"), "w"); // SET on the byte path
  ks.setWithExpiry("s4", "v", past());
  setTo(ks, ...inRequest("s4"), "w", future); // SET EX, SETEX, PSETEX on the byte path
  ks.setWithExpiry("s5", "v", 2n ** 60n); // a far time is never past
  ks.set("s5", "w");
  assert.equal(ks.expiredKeys, 4);
  // Live TTLs replaced or dropped count nothing.
  ks.setWithExpiry("l1", "v", future);
  ks.set("l1", "w");
  ks.setWithExpiry("l2", "v", future);
  setTo(ks, ...inRequest("l2"), "w", future + 1);
  setTo(ks, ...inRequest("l2"), "x");
  assert.equal(ks.expiredKeys, 4);
  assert.deepEqual(
    ["s1", "s2", "s3", "s4", "s5", "l1", "l2"].map((k) => ks.get(k)),
    ["w", "w", "w", "w", "w", "w", "x"],
  );
  assert.deepEqual([ks.expiryOf("s2"), ks.expiryOf("s4"), ks.expiryOf("l2")], [future, future, -1]);
});

Deno.test("keys read ahead are looked up by their hashes, only while the buffer holds them", () => {
  const ks = new Keyspace();
  // Many keys: a key stored under another's hash would then not be found from its own home.
  const n = 64;
  const names = (p: string) => Array.from({ length: n }, (_, i) => p + String(i).padStart(3, "0"));
  const mem = new ByteBuffer(4 * n + VALUE_ROOM);
  mem.writeLatin1(names("a").join(""), 0);
  const starts = Int32Array.from({ length: n }, (_, i) => 4 * i);
  const ends = starts.map((s) => s + 4);
  ks.prefetch(mem, starts, ends, new Uint8Array(n).fill(1), n);
  // The requests that follow in the batch, by the hashes kept.
  for (let i = 0; i < n; i++) setTo(ks, mem, 4 * i, 4 * i + 4, `a${i}`);
  // A span that starts where a key read ahead does but ends elsewhere is another key. (Checked
  // at once: a resize would move a key stored under a wrong hash to its own home.)
  const a = names("a");
  for (let i = 0; i < n; i += 2) setTo(ks, mem, 4 * i, 4 * i + 8, `pair${i}`);
  for (let i = 0; i < n; i += 2) assert.equal(ks.get(a[i] + a[i + 1]), `pair${i}`);
  // Another buffer (another client's) holds other keys in the same places: they are its own.
  const other = new ByteBuffer(4 * n + VALUE_ROOM);
  other.writeLatin1(names("b").join(""), 0);
  const b = names("b");
  for (let i = 0; i < n; i++) setTo(ks, other, 4 * i, 4 * i + 4, `b${i}`);
  for (let i = 0; i < n; i++) assert.equal(ks.get(b[i]), `b${i}`);
  // The next read writes other keys where these were: they are hashed anew.
  mem.newGeneration();
  mem.writeLatin1(names("c").join(""), 0);
  for (let i = 0; i < n; i++) setTo(ks, mem, 4 * i, 4 * i + 4, `c${i}`);
  const c = names("c");
  for (let i = 0; i < n; i++) assert.deepEqual([ks.get(a[i]), ks.get(c[i])], [`a${i}`, `c${i}`]);
  assert.equal(ks.size, n + n / 2 + n + n);
});
