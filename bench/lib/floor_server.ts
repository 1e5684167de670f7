// The I/O floor: the least a Deno server on node:net spends per request. It answers every
// request with +OK and does nothing else: no decoding beyond counting requests, no command, no
// keyspace, no stats. It reads and writes exactly as keyval does (node:net read through onread
// into one buffer, src/socket.ts; TCP_NODELAY; one write per read), so `deno task compare` can
// show how much of keyval's CPU per request is the runtime's I/O path, which no change to keyval
// can remove, and how much is keyval's own work.
//
// Requests are counted by the `*` that starts each RESP request: redis-benchmark's keys and
// values never hold one, and a request split across reads is counted once, where it starts.
//
// `--transport conn` serves through Deno.listen and Deno.Conn instead (a read loop per client,
// into a buffer of its own), the other way the runtime offers; the README's "Deno.Conn instead
// of node:net" says what it costs and why keyval does not use it.
// Usage: deno run --allow-net bench/lib/floor_server.ts --port N [--transport node|conn]
import { createServer } from "node:net";
import { adopt } from "../../src/socket.ts";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Deno.args,
  options: { port: { type: "string" }, transport: { type: "string", default: "node" } },
});
const port = Number(values.port);
const OK = new TextEncoder().encode("+OK\r\n");
const STAR = 42;
const LF = 10;

/** Counts the requests that bytes [0, length) start; `last` is the byte before them. */
function requestsIn(bytes: Uint8Array, length: number, last: number): number {
  let n = 0;
  for (let i = 0; i < length; i++) {
    if (bytes[i] === STAR && last === LF) n++;
    last = bytes[i];
  }
  return n;
}

/** `n` replies of +OK in one buffer. */
function replies(n: number): Uint8Array {
  const out = new Uint8Array(n * OK.length);
  for (let i = 0; i < n; i++) out.set(OK, i * OK.length);
  return out;
}

/** Serves one client through Deno.Conn: read, count, reply, until the client goes. */
async function serveConn(conn: Deno.TcpConn): Promise<void> {
  conn.setNoDelay(true);
  const buf = new Uint8Array(64 * 1024);
  let last = LF;
  try {
    for (;;) {
      const length = await conn.read(buf);
      if (length === null) break;
      const n = requestsIn(buf, length, last);
      last = buf[length - 1];
      if (n === 0) continue;
      const out = replies(n);
      for (let sent = 0; sent < out.length;) sent += await conn.write(out.subarray(sent));
    }
  } catch {
    // the client went away mid-write
  }
  conn.close();
}

if (values.transport === "conn") {
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  console.log(`floor (Deno.Conn) listening on 127.0.0.1:${port}`);
  (async () => {
    for await (const conn of listener) serveConn(conn);
  })();
} else {
  const server = createServer({ pauseOnConnect: true }, (accepted) => {
    /** The last byte of the previous read: a `*` after LF (or first of all) starts a request. */
    let last = LF;
    const socket = adopt(accepted, (bytes, length) => {
      const n = requestsIn(bytes, length, last);
      last = bytes[length - 1];
      if (n > 0) socket.write(replies(n));
    });
    socket.setNoDelay(true);
    socket.on("error", () => {});
  });
  server.listen(port, "127.0.0.1", () => console.log(`floor listening on 127.0.0.1:${port}`));
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => Deno.exit(0));
}
