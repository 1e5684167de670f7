// The I/O floor: the least a Deno server on node:net spends per request. It answers every
// request with +OK and does nothing else: no decoding beyond counting requests, no command, no
// keyspace, no stats. It reads and writes exactly as keyval does (node:net read through onread
// into one buffer, src/socket.ts; TCP_NODELAY; one write per read), so `deno task compare` can show how much of keyval's CPU per request is the
// runtime's I/O path, which no change to keyval can remove, and how much is keyval's own work.
//
// Requests are counted by the `*` that starts each RESP request: redis-benchmark's keys and
// values never hold one, and a request split across reads is counted once, where it starts.
// Usage: deno run --allow-net bench/lib/floor_server.ts --port N
import { createServer } from "node:net";
import { adopt } from "../../src/socket.ts";
import { parseArgs } from "node:util";

const { values } = parseArgs({ args: Deno.args, options: { port: { type: "string" } } });
const port = Number(values.port);
const OK = new TextEncoder().encode("+OK\r\n");
const STAR = 42;
const LF = 10;

const server = createServer({ pauseOnConnect: true }, (accepted) => {
  /** The last byte of the previous read: a `*` after LF (or first of all) starts a request. */
  let last = LF;
  const socket = adopt(accepted, (bytes, length) => {
    let n = 0;
    for (let i = 0; i < length; i++) {
      const b = bytes[i];
      if (b === STAR && last === LF) n++;
      last = b;
    }
    if (n === 0) return;
    const out = new Uint8Array(n * OK.length);
    for (let i = 0; i < n; i++) out.set(OK, i * OK.length);
    socket.write(out);
  });
  socket.setNoDelay(true);
  socket.on("error", () => {});
});
server.listen(port, "127.0.0.1", () => console.log(`floor listening on 127.0.0.1:${port}`));
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => Deno.exit(0));
}
