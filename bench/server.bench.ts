// The whole request path in one process, without the network: bytes arrive at a connection,
// are decoded, dispatched, run against a keyspace of 100,000 keys, and the replies encoded and
// handed to the socket, exactly as in the server (src/connection.ts) but with a socket that
// counts what it is given and takes it as sent at once (lib/socket.ts). One iteration is one
// pipelined batch of 16 requests with random keys, as `redis-benchmark -P 16 -r 100000` sends
// them (lib/workloads.ts); divide by 16 for a request.
import { Server } from "../src/server.ts";
import { defaultConfig } from "../src/config.ts";
import { connectInstant } from "./lib/socket.ts";
import { BATCH, BATCHES, KEYS, setupBatches, workloads } from "./lib/workloads.ts";

const server = new Server(defaultConfig({ metricsBind: null }));
const socket = connectInstant(server);
for (const batch of setupBatches()) socket.receive(batch);

for (const [name, list] of workloads()) {
  let b = 0;
  Deno.bench(`${BATCH} pipelined ${name}, ${KEYS.toLocaleString("en")} keys`, {
    group: "request path",
  }, () => {
    socket.receive(list[b]);
    b = (b + 1) % BATCHES;
  });
}
