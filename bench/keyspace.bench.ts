// Microbenchmarks of the keyspace and the janitor: GET/SET/EXPIRE cost at a thousand and at a
// million keys (it should stay flat), and one active expire cycle over a million volatile keys
// (it must stay within its few-millisecond budget however many keys are stale).
import { Keyspace } from "../src/store/keyspace.ts";
import { Janitor } from "../src/store/expiry.ts";

function keyName(i: number): string {
  return "key:" + String(i).padStart(12, "0");
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
