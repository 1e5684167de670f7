// Bulk-loads a keyspace through pipelined MSET batches, with the key names redis-benchmark uses
// (`key:` + 12 digits), so a later `redis-benchmark -r N` GET hits the loaded keys.
import { RespClient } from "./client.ts";
import type { Arg } from "./resp.ts";
import { RespError } from "./resp.ts";

const PAIRS_PER_MSET = 500;
const MSETS_PER_WRITE = 20;

/** The i-th key name as redis-benchmark spells `key:__rand_int__`. */
export function benchKey(i: number): string {
  return `key:${String(i).padStart(12, "0")}`;
}

/** Loads keys 0..count-1 with distinct `valueBytes`-long values; resolves once all are acked. */
export async function loadKeys(
  host: string,
  port: number,
  count: number,
  valueBytes = 16,
): Promise<void> {
  const client = await RespClient.connect(host, port, 60_000);
  try {
    let next = 0;
    while (next < count) {
      const batch: Arg[][] = [];
      for (let m = 0; m < MSETS_PER_WRITE && next < count; m++) {
        const args: Arg[] = ["MSET"];
        for (let k = 0; k < PAIRS_PER_MSET && next < count; k++, next++) {
          args.push(benchKey(next), valueOf(next, valueBytes));
        }
        batch.push(args);
      }
      for (const r of await client.pipeline(batch)) {
        if (r instanceof RespError) throw new Error(`MSET failed: ${r.message}`);
      }
    }
  } finally {
    client.close();
  }
}

/** A distinct value of exactly `bytes` bytes that Redis cannot store as an integer. */
function valueOf(i: number, bytes: number): string {
  const digits = String(i);
  const s = "v" + digits.padStart(Math.max(0, bytes - 1), "x");
  return s.length > bytes ? s.slice(s.length - bytes) : s;
}
