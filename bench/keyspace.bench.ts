// Microbenchmarks of the keyspace and the janitor: GET/SET/EXPIRE cost at a thousand and at a
// million keys (it should stay flat), and one active expire cycle over a million volatile keys
// (it must stay within its few-millisecond budget however many keys are stale).
//
// A request's key is a fresh string, decoded from the request's bytes: the "fresh key" cases
// build it as the server does, and compare our tables with V8's Map, which looks each fresh
// string up in V8's string table (see src/store/stringmap.ts).
import { Keyspace } from "../src/store/keyspace.ts";
import { hashOf, hashOfBytes } from "../src/store/stringmap.ts";
import { Janitor } from "../src/store/expiry.ts";
import { ByteBuffer } from "../src/protocol/latin1.ts";
import { benchKey } from "./lib/load.ts";

/** A key as a request brings it: decoded from bytes, so a flat string (not a concatenation). */
const scratch = new ByteBuffer(64);
function decoded(s: string): string {
  return scratch.latin1(0, scratch.writeLatin1(s, 0));
}

// deno-lint-ignore no-unused-vars
let sink: unknown;

function keyName(i: number): string {
  return decoded(benchKey(i));
}

for (const size of [1_000, 1_000_000]) {
  const ks = new Keyspace();
  const names: string[] = [];
  for (let i = 0; i < size; i++) {
    names.push(keyName(i));
    ks.set(names[i], "xxxxxxxxxxxxxxxx");
  }
  let i = 0;
  const group = `keyspace ${size.toLocaleString("en")} keys`;
  Deno.bench(`get (${size} keys)`, { group }, () => {
    i = (i + 7919) % size;
    ks.get(names[i]);
  });
  Deno.bench(`set (${size} keys)`, { group }, () => {
    i = (i + 7919) % size;
    ks.set(names[i], "yyyyyyyyyyyyyyyy");
  });
  Deno.bench(`expireAt + get (${size} keys)`, { group }, () => {
    i = (i + 7919) % size;
    ks.expireAt(names[i], Date.now() + 60_000);
    ks.get(names[i]);
  });

  // The key decoded from bytes for each lookup, as a request brings it.
  const freshKey = (): string => {
    i = (i + 7919) % size;
    return decoded(names[i]);
  };
  const map = new Map<string, string>();
  for (const name of names) map.set(name, "xxxxxxxxxxxxxxxx");
  const fresh = `fresh key, ${size.toLocaleString("en")} keys`;
  // Results go to `sink`, or the compiler could drop a lookup whose result nobody reads.
  Deno.bench(`decode only (${size} keys)`, { group: fresh }, () => {
    sink = freshKey();
  });
  Deno.bench(`decode + keyspace get (${size} keys)`, { group: fresh, baseline: true }, () => {
    sink = ks.get(freshKey());
  });
  Deno.bench(`decode + V8 Map get (${size} keys)`, { group: fresh }, () => {
    sink = map.get(freshKey());
  });
}

{
  // The tables' hash (HalfSipHash-1-3, src/store/siphash.ts) of a 16-byte key, from its string
  // and from request bytes, against the seeded FNV-1a it replaced: FNV is cheaper, and no
  // defence against a client that makes keys collide (README, "Keyed hash").
  const n = 1024;
  const names = Array.from({ length: n }, (_, i) => keyName(i * 7919));
  const bytes = new Uint8Array(16 * n);
  names.forEach((k, i) => {
    for (let j = 0; j < 16; j++) bytes[16 * i + j] = k.charCodeAt(j);
  });
  const fnv1a = (b: Uint8Array, s: number, e: number): number => {
    let h = 0x2545f491 ^ (e - s);
    for (let j = s; j < e; j++) h = Math.imul(h ^ b[j], 16777619);
    return (h ^ (h >>> 15)) & 0x3fffffff;
  };
  let i = 0;
  Deno.bench(
    "hash a 16-byte key: HalfSipHash-1-3 from bytes",
    { group: "hash", baseline: true },
    () => {
      i = (i + 1) & (n - 1);
      sink = hashOfBytes(bytes, 16 * i, 16 * i + 16);
    },
  );
  Deno.bench("hash a 16-byte key: HalfSipHash-1-3 from its string", { group: "hash" }, () => {
    i = (i + 1) & (n - 1);
    sink = hashOf(names[i]);
  });
  Deno.bench("hash a 16-byte key: FNV-1a from bytes (the hash before)", { group: "hash" }, () => {
    i = (i + 1) & (n - 1);
    sink = fnv1a(bytes, 16 * i, 16 * i + 16);
  });
}

{
  // A million keys with a TTL, one in ten already stale: what one cycle costs at most.
  const ks = new Keyspace();
  const now = Date.now();
  for (let i = 0; i < 1_000_000; i++) {
    ks.setWithExpiry(keyName(i), "v", i % 10 === 0 ? now - 1 : now + 3_600_000);
  }
  const janitor = new Janitor(ks, 100);
  Deno.bench("janitor cycle, 1M volatile keys, 10% stale", { group: "janitor" }, () => {
    janitor.cycle(now);
  });
}

{
  // All stale: every cycle runs until its 5 ms budget; refilled when drained.
  const ks = new Keyspace();
  const fill = () => {
    const now = Date.now();
    for (let i = 0; i < 1_000_000; i++) ks.setWithExpiry(keyName(i), "v", now - 1);
  };
  fill();
  const janitor = new Janitor(ks, 100);
  Deno.bench("janitor cycle, 1M volatile keys, all stale", { group: "janitor" }, (b) => {
    if (ks.expires.size < 100_000) fill();
    b.start();
    janitor.cycle(Date.now());
    b.end();
  });
}
