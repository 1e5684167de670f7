// The whole request path in one process, without the network: bytes arrive at a connection,
// are decoded, dispatched, run against a keyspace of 100,000 keys, and the replies encoded and
// handed to the socket, exactly as in the server (src/connection.ts) but with a socket that
// only counts what it is given. One iteration is one pipelined batch of 16 requests with
// random keys, as `redis-benchmark -P 16 -r 100000` sends them; divide by 16 for a request.
import type { Socket } from "node:net";
import { Server } from "../src/server.ts";
import { Connection } from "../src/connection.ts";
import { defaultConfig } from "../src/config.ts";

const KEYS = 100_000;
const BATCH = 16;
/** Distinct batches cycled through, so that keys vary as under redis-benchmark -r. */
const BATCHES = 4096;
const enc = new TextEncoder();

function keyName(i: number): string {
  return "key:" + String(i).padStart(12, "0");
}

function request(...args: string[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${a.length}\r\n${a}\r\n`).join("");
}

/** BATCHES batches of BATCH requests each, built by `make` from a random key. */
function batches(make: (key: string) => string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let b = 0; b < BATCHES; b++) {
    let s = "";
    for (let i = 0; i < BATCH; i++) s += make(keyName(Math.floor(Math.random() * KEYS)));
    out.push(enc.encode(s));
  }
  return out;
}

/** A socket that takes every write at once, and lets the bench play the peer's data events. */
class BenchSocket {
  remoteAddress = "127.0.0.1";
  remotePort = 50000;
  localAddress = "127.0.0.1";
  localPort = 6379;
  written = 0;
  private onData: ((chunk: Uint8Array) => void) | undefined;
  setNoDelay(): void {}
  on(event: string, fn: (chunk: Uint8Array) => void): this {
    if (event === "data") this.onData = fn;
    return this;
  }
  once(): this {
    return this;
  }
  write(bytes: Uint8Array): boolean {
    this.written += bytes.length;
    return true;
  }
  receive(chunk: Uint8Array): void {
    this.onData!(chunk);
  }
}

const server = new Server(defaultConfig({ metricsBind: null }));
const socket = new BenchSocket();
new Connection(socket as unknown as Socket, server);
// Loaded through the request path, so that keys and values are the flat strings a SET stores.
for (let i = 0; i < KEYS; i += BATCH) {
  let s = "";
  for (let j = i; j < i + BATCH; j++) s += request("SET", keyName(j), "x".repeat(16));
  socket.receive(enc.encode(s));
}

const value = "y".repeat(16);
const workloads: [string, Uint8Array[]][] = [
  ["PING", batches(() => request("PING"))],
  ["GET", batches((k) => request("GET", k))],
  ["GET (missing key)", batches((k) => request("GET", "x" + k.slice(1)))],
  ["SET", batches((k) => request("SET", k, value))],
  ["INCR", batches((k) => request("INCR", "counter:" + k.slice(-5)))],
];
for (const [name, list] of workloads) {
  let b = 0;
  Deno.bench(`${BATCH} pipelined ${name}, ${KEYS.toLocaleString("en")} keys`, {
    group: "request path",
  }, () => {
    socket.receive(list[b]);
    b = (b + 1) % BATCHES;
  });
}
