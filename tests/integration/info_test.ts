// INFO against keyval alone: which sections each argument selects (Redis 7's default, all,
// everything, several at once), the wire format, and that the counters behind commandstats,
// errorstats and stats move as Redis's do. That every field name is one of Redis's is checked
// against a real redis-server in conformance_operator_test.ts.
import assert from "node:assert/strict";
import { encodeCommand, type RawClient } from "../helpers/raw.ts";
import { withClient } from "../helpers/server.ts";

/** The section headings of an INFO reply, in order. */
function headings(text: unknown): string[] {
  assert.equal(typeof text, "string");
  return [...(text as string).matchAll(/^# (\w+)\r$/gm)].map((m) => m[1]);
}

/** The `name:value` fields of an INFO reply. */
function fields(text: unknown): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of (text as string).split("\r\n")) {
    const at = line.indexOf(":");
    if (at > 0 && !line.startsWith("#")) map.set(line.slice(0, at), line.slice(at + 1));
  }
  return map;
}

const DEFAULT = [
  "Server",
  "Clients",
  "Memory",
  "Persistence",
  "Stats",
  "Replication",
  "CPU",
  "Modules",
  "Errorstats",
  "Cluster",
  "Keyspace",
];
const ALL = [
  ...DEFAULT.slice(0, 8),
  "Commandstats",
  "Errorstats",
  "Latencystats",
  "Cluster",
  "Keyspace",
];

Deno.test("INFO selects Redis 7's sections: default, all, everything, several at once", async () => {
  await withClient(async (c) => {
    assert.deepEqual(headings(await c.call("INFO")), DEFAULT);
    assert.deepEqual(headings(await c.call("INFO", "default")), DEFAULT);
    assert.deepEqual(headings(await c.call("INFO", "all")), ALL);
    assert.deepEqual(headings(await c.call("INFO", "EVERYTHING")), ALL);
    assert.deepEqual(headings(await c.call("INFO", "clients", "Server", "nosuch")), [
      "Server",
      "Clients",
    ]);
    assert.deepEqual(headings(await c.call("INFO", "default", "commandstats")), [
      ...DEFAULT.slice(0, 8),
      "Commandstats",
      ...DEFAULT.slice(8),
    ]);
    assert.equal(await c.call("INFO", "nosuch"), "");
    // Sections end in CRLF and are parted by an empty line; an empty section is its heading.
    assert.equal(
      await c.call("INFO", "cluster", "modules"),
      "# Modules\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n",
    );
  });
});

Deno.test("INFO server, clients, memory and keyspace report this server", async () => {
  await withClient(async (c) => {
    assert.equal(await c.call("SET", "a", "1"), "OK");
    assert.equal(await c.call("SET", "b", "2", "EX", "100"), "OK");
    const info = fields(await c.call("INFO", "everything"));
    assert.equal(info.get("redis_version"), "7.0.15");
    assert.equal(info.get("redis_mode"), "standalone");
    assert.equal(info.get("hz"), "10");
    assert.equal(info.get("configured_hz"), "10");
    assert.equal(info.get("connected_clients"), "1");
    assert.equal(info.get("maxclients"), "10000");
    assert.ok(Number(info.get("used_memory")) > 0);
    assert.ok(Number(info.get("used_memory_rss")) >= Number(info.get("used_memory")) / 2);
    // Pages outside the heap: the short values', and the expiry times' (8 bytes a slot).
    assert.ok(Number(info.get("keyval_slab_bytes")) > 0);
    const expiryBytes = Number(info.get("keyval_expiry_bytes"));
    assert.ok(expiryBytes > 0 && expiryBytes % 8 === 0, `${expiryBytes}`);
    assert.match(info.get("run_id")!, /^[0-9a-f]{40}$/);
    const us = Number(info.get("server_time_usec"));
    assert.ok(Math.abs(us / 1000 - Date.now()) < 60_000);
    assert.match(info.get("db0")!, /^keys=2,expires=1,avg_ttl=\d+$/);
    assert.equal(info.get("role"), "master");
  });
});

/** Sends commands as one pipelined batch and reads their replies. */
async function batch(c: RawClient, commands: string[][]): Promise<unknown[]> {
  for (const args of commands) await c.send(encodeCommand(args));
  return await c.replies(commands.length);
}

Deno.test("INFO commandstats, errorstats and stats count calls and errors as Redis does", async () => {
  await withClient(async (c) => {
    assert.equal(await c.call("CONFIG", "RESETSTAT"), "OK");
    await batch(c, [
      ["SET", "n", "x"],
      ["INCR", "n"], // runs, fails: failed_calls
      ["GET"], // refused: rejected_calls
      ["GET", "n"],
      ["NOSUCH"], // counted nowhere but in the error counters
      ["HELLO", "3"], // NOPROTO
      ["CONFIG", "NOPE"], // unknown subcommand
    ]);
    const info = await c.call("INFO", "commandstats", "errorstats", "stats") as string;
    const f = fields(info);
    assert.match(f.get("cmdstat_set")!, /^calls=1,usec=\d+,usec_per_call=\d+\.\d\d,/);
    assert.match(f.get("cmdstat_set")!, /,rejected_calls=0,failed_calls=0$/);
    assert.match(f.get("cmdstat_incr")!, /^calls=1,.*,rejected_calls=0,failed_calls=1$/);
    assert.match(f.get("cmdstat_get")!, /^calls=1,.*,rejected_calls=1,failed_calls=0$/);
    assert.match(f.get("cmdstat_hello")!, /^calls=1,.*,failed_calls=1$/);
    // An unknown subcommand is charged to no command, as in Redis.
    assert.equal(f.get("cmdstat_config"), undefined);
    assert.match(f.get("cmdstat_config|resetstat")!, /^calls=1,/);
    // INFO does not count itself while it runs, as in Redis.
    assert.equal(f.get("cmdstat_info"), undefined);
    // SET, INCR, GET, HELLO and the CONFIG RESETSTAT counted once it had run.
    assert.equal(f.get("total_commands_processed"), "5");
    assert.equal(f.get("total_error_replies"), "5");
    assert.equal(f.get("errorstat_ERR"), "count=4");
    assert.equal(f.get("errorstat_NOPROTO"), "count=1");
    // Error codes come sorted, as Redis lists them.
    assert.ok(info.indexOf("errorstat_ERR") < info.indexOf("errorstat_NOPROTO"));

    assert.equal(await c.call("CONFIG", "RESETSTAT"), "OK");
    const after = fields(await c.call("INFO", "commandstats", "errorstats", "stats"));
    assert.equal(after.get("errorstat_ERR"), undefined);
    assert.equal(after.get("cmdstat_incr"), undefined);
    assert.equal(after.get("total_error_replies"), "0");
    assert.equal(after.get("total_commands_processed"), "1");
  });
});

Deno.test("INFO stats counts expiry, hits and misses, connections and bytes", async () => {
  await withClient(async (c) => {
    await batch(c, [["SET", "k", "v"], ["GET", "k"], ["GET", "nope"], [
      "SET",
      "t",
      "v",
      "PX",
      "1",
    ]]);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(await c.call("GET", "t"), null);
    const f = fields(await c.call("INFO", "stats"));
    assert.equal(f.get("keyspace_hits"), "1");
    assert.equal(f.get("keyspace_misses"), "2");
    assert.equal(f.get("expired_keys"), "1");
    assert.equal(f.get("total_connections_received"), "1");
    assert.ok(Number(f.get("total_net_input_bytes")) > 50);
    assert.ok(Number(f.get("total_net_output_bytes")) > 10);
  });
});
