// The read-ahead through a real Connection (commands/table.ts `prefetch`): the hashes of the keys
// it reads ahead serve the requests of their batch, and never a later batch whose keys the
// decoder's buffer holds in the same places.
import assert from "node:assert/strict";
import { Server } from "../../src/server.ts";
import { defaultConfig } from "../../src/config.ts";
import { connectInstant } from "../../bench/lib/socket.ts";
import { concat, encodeCommand } from "../helpers/raw.ts";

Deno.test("a batch's keys read ahead are not taken for the next batches' keys in their places", () => {
  const server = new Server(defaultConfig({ metricsBind: null }));
  const db = server.keyspace;
  // A big table: a key stored under another's hash is then not found from its own home.
  for (let i = 0; i < 1000; i++) db.set(`filler:${i}`, "f");
  const socket = connectInstant(server);
  const value = "v".repeat(16);
  // Two SETs: enough bytes for a read-ahead of both keys.
  socket.receive(
    concat([encodeCommand(["SET", "k000", value]), encodeCommand(["SET", "k001", value])]),
  );
  // SETs alone, each too short to read ahead: each one's key lies where "k000" lay (the buffer
  // rewinds when it is empty).
  for (let i = 2; i < 40; i++) {
    socket.receive(encodeCommand(["SET", `k${String(i).padStart(3, "0")}`, `${i}`]));
  }
  // Then a batch that reads ahead again, an MSET and an INCR of keys it covers.
  socket.receive(concat([
    encodeCommand(["MSET", "m000", "2", "m001", "3"]),
    encodeCommand(["INCR", "m000"]),
  ]));
  assert.deepEqual([db.get("k000"), db.get("k001"), db.get("m000"), db.get("m001")], [
    value,
    value,
    "3",
    "3",
  ]);
  for (let i = 2; i < 40; i++) assert.equal(db.get(`k${String(i).padStart(3, "0")}`), `${i}`);
  assert.equal(db.size, 1000 + 40 + 2);
});
