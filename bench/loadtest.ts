// `deno task loadtest`: seed 002's mixed load test. CLIENTS connections each run OPS commands
// (SET, GET, INCR, DEL, EXPIRE on keys only that client touches), PIPE commands per write, and
// every reply is checked against what the client itself knows the key must hold. Prints
// throughput, per-batch latency percentiles, wrong replies and timeouts; exits 1 on any of them.
//
// Env: HOST (127.0.0.1:6379), CLIENTS (50), OPS (commands per client, 1000), PIPE (commands per
// write, 10), RT (read timeout in ms, 2000). Works against any Redis-compatible server.
//
// The sockets are node:net's, not Deno.connect's, on purpose: this client is CPU-bound, and with
// hundreds of Deno.Conn reads pending on a busy event loop some connections were not served for
// seconds (timeouts even against redis-server), while node:net stays fair at the same load.
import net from "node:net";
import { RespClient } from "./lib/client.ts";
import {
  type Arg,
  CommandWriter,
  NEED_MORE,
  type Reply,
  ReplyParser,
  replyText,
} from "./lib/resp.ts";
import { percentileSorted } from "./lib/stats.ts";

/** A positive integer from the environment, or the default. */
function envInt(name: string, def: number): number {
  const raw = Deno.env.get(name);
  if (raw === undefined || raw === "") return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`loadtest: ${name} must be a positive integer, got "${raw}"`);
    Deno.exit(2);
  }
  return n;
}

const HOST = Deno.env.get("HOST") || "127.0.0.1:6379";
const CLIENTS = envInt("CLIENTS", 50);
const OPS = envInt("OPS", 1000);
const PIPE = envInt("PIPE", 10);
const RT = envInt("RT", 2000);
const colon = HOST.lastIndexOf(":");
const hostname = colon > 0 ? HOST.slice(0, colon).replace(/^\[|\]$/g, "") : HOST;
const port = colon > 0 ? Number(HOST.slice(colon + 1)) : 6379;
const RUN_ID = Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16))
  .map((h) => h.padStart(2, "0")).join("");

/** Keys per client: string keys for SET/GET, counter keys for INCR; DEL/EXPIRE/GET hit both. */
const STRING_KEYS = 4;
const COUNTER_KEYS = 2;
/** Long enough never to fire during a run, so EXPIRE does not change what GET must return. */
const EXPIRE_SECONDS = 3600;

type Op = "SET" | "GET" | "INCR" | "DEL" | "EXPIRE";
/** Percent of commands of each kind. */
const OPS_MIX: [Op, number][] = [
  ["SET", 30],
  ["GET", 30],
  ["INCR", 20],
  ["DEL", 10],
  ["EXPIRE", 10],
];

/** What one reply must be: a status, an integer, a bulk string, or a null bulk. */
type Expected =
  | { type: "status"; value: string }
  | { type: "int"; value: number }
  | { type: "bulk"; value: Uint8Array | null };

/** Deterministic per-client randomness (mulberry32), so a failing run's mix can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const enc = new TextEncoder();

/** Does the reply match exactly? */
function matches(r: Reply, e: Expected): boolean {
  switch (e.type) {
    case "status":
      return r === e.value;
    case "int":
      return r === e.value;
    case "bulk":
      if (e.value === null) return r === null;
      if (!(r instanceof Uint8Array) || r.length !== e.value.length) return false;
      for (let i = 0; i < r.length; i++) if (r[i] !== e.value[i]) return false;
      return true;
  }
}

function expectedText(e: Expected): string {
  if (e.type === "bulk") return e.value === null ? "(nil)" : JSON.stringify(replyText(e.value));
  return String(e.value);
}

/** Totals of one client, summed at the end. */
interface ClientResult {
  commands: number;
  wrong: number;
  timeouts: number;
  connectionErrors: number;
  counts: Record<Op, number>;
  samples: number;
}

const batchesPerClient = Math.ceil(OPS / PIPE);
const latencies = new Float64Array(CLIENTS * batchesPerClient);
const problems: string[] = [];
const report = (msg: string) => {
  if (problems.length < 10) problems.push(msg);
};

/** One client's whole run: connect, OPS verified commands, then delete its keys (verified too). */
function runClient(
  c: number,
  connected: () => void,
  start: Promise<void>,
): Promise<ClientResult> {
  const res: ClientResult = {
    commands: 0,
    wrong: 0,
    timeouts: 0,
    connectionErrors: 0,
    counts: { SET: 0, GET: 0, INCR: 0, DEL: 0, EXPIRE: 0 },
    samples: 0,
  };
  const random = rng(parseInt(RUN_ID, 16) ^ Math.imul(c + 1, 0x9e3779b1));
  const prefix = `lt:${RUN_ID}:${c}:`;
  const keys = [
    ...Array.from({ length: STRING_KEYS }, (_, i) => `${prefix}s${i}`),
    ...Array.from({ length: COUNTER_KEYS }, (_, i) => `${prefix}n${i}`),
  ];
  /** What each key holds now, as the server must see it; absent keys are not in the map. */
  const model = new Map<string, Uint8Array | number>();
  const writer = new CommandWriter();
  const parser = new ReplyParser();
  const expected: Expected[] = [];
  const sent: string[] = [];
  /** Replies of the current batch checked so far. */
  let checked = 0;
  let next = 0;
  let batchStart = 0;
  let cleanupSent = false;

  const value = (i: number): Uint8Array => {
    const head = enc.encode(`${c}:${i}:`);
    const len = head.length + Math.floor(random() * 40);
    const v = new Uint8Array(len);
    v.set(head);
    // One value in eight is arbitrary bytes (CR LF, NUL, high bytes): replies must be binary-safe.
    const binary = random() < 0.125;
    for (let j = head.length; j < len; j++) {
      v[j] = binary ? Math.floor(random() * 256) : 97 + Math.floor(random() * 26);
    }
    return v;
  };

  const pick = (): Op => {
    let x = random() * 100;
    for (const [op, weight] of OPS_MIX) {
      if ((x -= weight) < 0) return op;
    }
    return "GET";
  };

  /** Queues one random command and records the reply it must get. */
  const queue = (i: number) => {
    const op = pick();
    res.counts[op]++;
    let args: Arg[];
    let e: Expected;
    const anyKey = keys[Math.floor(random() * keys.length)];
    switch (op) {
      case "SET": {
        const key = keys[Math.floor(random() * STRING_KEYS)];
        const v = value(i);
        args = ["SET", key, v];
        model.set(key, v);
        e = { type: "status", value: "OK" };
        break;
      }
      case "GET": {
        const held = model.get(anyKey);
        args = ["GET", anyKey];
        e = {
          type: "bulk",
          value: held === undefined
            ? null
            : typeof held === "number"
            ? enc.encode(String(held))
            : held,
        };
        break;
      }
      case "INCR": {
        const key = keys[STRING_KEYS + Math.floor(random() * COUNTER_KEYS)];
        const n = ((model.get(key) as number | undefined) ?? 0) + 1;
        model.set(key, n);
        args = ["INCR", key];
        e = { type: "int", value: n };
        break;
      }
      case "DEL":
        args = ["DEL", anyKey];
        e = { type: "int", value: model.delete(anyKey) ? 1 : 0 };
        break;
      case "EXPIRE":
        args = ["EXPIRE", anyKey, EXPIRE_SECONDS];
        e = { type: "int", value: model.has(anyKey) ? 1 : 0 };
        break;
    }
    writer.command(args);
    expected.push(e);
    sent.push(`${op} ${args[1]}`);
  };

  return new Promise((resolve) => {
    let finished = false;
    const socket = net.connect({ host: hostname, port });
    socket.setNoDelay(true);

    const finish = () => {
      if (finished) return;
      finished = true;
      connected();
      socket.destroy();
      resolve(res);
    };

    /** Writes the next batch, or the final clean-up, or ends the client. */
    const sendNext = () => {
      writer.clear();
      expected.length = 0;
      sent.length = 0;
      checked = 0;
      if (next < OPS) {
        const n = Math.min(PIPE, OPS - next);
        for (let k = 0; k < n; k++) queue(next + k);
        next += n;
      } else if (!cleanupSent) {
        // Clean up, and check the server agrees on which keys still exist.
        cleanupSent = true;
        writer.command(["DEL", ...keys]);
        expected.push({ type: "int", value: keys.filter((k) => model.has(k)).length });
        sent.push(`DEL (all ${keys.length} keys of client ${c})`);
      } else {
        finish();
        return;
      }
      batchStart = performance.now();
      // Copy: the socket may still hold the bytes when the writer is reused for the next batch.
      socket.write(writer.bytes().slice());
    };

    /** Checks every complete reply; moves on once the whole batch is answered. */
    const drain = () => {
      while (checked < expected.length) {
        const r = parser.next();
        if (r === NEED_MORE) return;
        if (!matches(r, expected[checked])) {
          res.wrong++;
          report(
            `client ${c}: ${sent[checked]}: got ${JSON.stringify(replyText(r))}, expected ${
              expectedText(expected[checked])
            }`,
          );
        }
        checked++;
      }
      if (!cleanupSent) {
        latencies[c * batchesPerClient + res.samples++] = performance.now() - batchStart;
        res.commands += expected.length;
      }
      sendNext();
    };

    const connectTimer = setTimeout(() => {
      res.connectionErrors++;
      report(`client ${c}: connect: no answer within ${RT} ms`);
      finish();
    }, RT);
    socket.once("connect", () => {
      clearTimeout(connectTimer);
      connected();
      start.then(() => {
        if (finished) return;
        // From here on, RT ms without a byte from the server is a timeout (seed 002's RT).
        socket.setTimeout(RT);
        sendNext();
      });
    });
    socket.on("data", (chunk: Uint8Array) => {
      try {
        parser.push(chunk);
        drain();
      } catch (err) {
        res.wrong++;
        report(`client ${c}: unparsable reply: ${(err as Error).message}`);
        finish();
      }
    });
    socket.on("timeout", () => {
      res.timeouts++;
      report(`client ${c}: no reply within ${RT} ms (${expected.length - checked} outstanding)`);
      finish();
    });
    socket.on("error", (err: Error) => {
      clearTimeout(connectTimer);
      if (finished) return;
      res.connectionErrors++;
      report(`client ${c}: ${err.message}`);
      finish();
    });
    socket.on("close", () => {
      clearTimeout(connectTimer);
      if (finished) return;
      res.connectionErrors++;
      report(`client ${c}: connection closed by server`);
      finish();
    });
  });
}

// Fail fast with one clear message when nothing listens there.
try {
  (await RespClient.connect(hostname, port, RT)).close();
} catch (err) {
  console.error(`loadtest: cannot connect to ${HOST}: ${(err as Error).message}`);
  Deno.exit(1);
}

console.log(
  `loadtest: ${HOST}, ${CLIENTS} clients x ${OPS} commands, ${PIPE} per write, ` +
    `read timeout ${RT} ms, run ${RUN_ID}`,
);
const go = Promise.withResolvers<void>();
const ready = Array.from({ length: CLIENTS }, () => Promise.withResolvers<void>());
const running = Array.from(
  { length: CLIENTS },
  (_, c) => runClient(c, () => ready[c].resolve(), go.promise),
);
// Connect everyone first (or fail to), so the clock measures commands and not connects.
await Promise.all(ready.map((r) => r.promise));
const t0 = performance.now();
go.resolve();
const results = await Promise.all(running);
const secs = (performance.now() - t0) / 1000;

const total = { commands: 0, wrong: 0, timeouts: 0, connectionErrors: 0 };
const counts: Record<Op, number> = { SET: 0, GET: 0, INCR: 0, DEL: 0, EXPIRE: 0 };
const samples: number[] = [];
for (const [c, r] of results.entries()) {
  total.commands += r.commands;
  total.wrong += r.wrong;
  total.timeouts += r.timeouts;
  total.connectionErrors += r.connectionErrors;
  for (const op of Object.keys(counts) as Op[]) counts[op] += r.counts[op];
  for (let i = 0; i < r.samples; i++) samples.push(latencies[c * batchesPerClient + i]);
}
samples.sort((a, b) => a - b);
const ms = (p: number) => percentileSorted(samples, p).toFixed(2);
const int = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

console.log(
  `  ${int.format(total.commands)} commands in ${secs.toFixed(2)} s: ` +
    `${int.format(total.commands / secs)} ops/s`,
);
console.log(
  `  mix: ${
    (Object.keys(counts) as Op[]).map((op) => `${op} ${int.format(counts[op])}`).join(", ")
  }`,
);
console.log(
  `  batch latency ms (${int.format(samples.length)} batches of up to ${PIPE}): ` +
    `p50 ${ms(50)}  p90 ${ms(90)}  p99 ${ms(99)}  max ${
      samples.length ? samples[samples.length - 1].toFixed(2) : "NaN"
    }`,
);
console.log(
  `  errors: ${total.wrong} wrong replies, ${total.timeouts} timeouts, ` +
    `${total.connectionErrors} connection errors`,
);
for (const p of problems) console.log(`  ! ${p}`);
const failed = total.wrong + total.timeouts + total.connectionErrors > 0;
console.log(failed ? "FAIL" : "OK");
Deno.exit(failed ? 1 : 0);
