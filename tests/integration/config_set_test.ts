// CONFIG GET/SET/REWRITE against keyval alone: every setting that can change at run time takes
// effect on the next request (the limits, the client cap, the janitor's pace, SLOWLOG and
// latency tracking), CONFIG SET is all or nothing, and keyval's fixed parameters are refused as
// immutable. Redis's exact replies for the same calls are checked in
// conformance_operator_test.ts.
import assert from "node:assert/strict";
import { RawClient, ReplyError } from "../helpers/raw.ts";
import { withClient, withServer } from "../helpers/server.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CONFIG GET of one parameter, as its value. */
async function get(c: RawClient, name: string): Promise<string> {
  const r = await c.call("CONFIG", "GET", name);
  assert.ok(Array.isArray(r) && r.length === 2, `CONFIG GET ${name}: ${r}`);
  return r[1] as string;
}

Deno.test("CONFIG SET maxclients: the next connection past it is refused", async () => {
  await withServer(async ({ port }) => {
    const a = await RawClient.connect(port);
    const b = await RawClient.connect(port);
    try {
      assert.equal(await a.call("CONFIG", "SET", "maxclients", "2"), "OK");
      assert.equal(await get(a, "maxclients"), "2");
      assert.equal(await b.call("PING"), "PONG");
      const third = await RawClient.connect(port);
      assert.equal(await third.readToEnd(), "-ERR max number of clients reached\r\n");
      third.close();
      assert.equal(await a.call("CONFIG", "SET", "maxclients", "3"), "OK");
      const fourth = await RawClient.connect(port);
      assert.equal(await fourth.call("PING"), "PONG");
      fourth.close();
      const info = await a.call("INFO", "clients") as string;
      assert.match(info, /\r\nmaxclients:3\r\n/);
      assert.match(await a.call("INFO", "stats") as string, /rejected_connections:1\r\n/);
    } finally {
      a.close();
      b.close();
    }
  });
});

Deno.test("CONFIG SET proto-max-bulk-len takes memory units and bounds the next bulk", async () => {
  await withClient(async (c) => {
    assert.equal(await c.call("CONFIG", "SET", "proto-max-bulk-len", "1mb"), "OK");
    assert.equal(await get(c, "proto-max-bulk-len"), "1048576");
    assert.equal(await c.call("SET", "k", "x".repeat(1048576)), "OK");
    await c.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048577\r\n");
    assert.equal(await c.readToEnd(), "-ERR Protocol error: invalid bulk length\r\n");
  });
  await withClient(async (c) => {
    for (const [value, bytes] of [["2MB", 2097152], ["1500k", 1500000], ["1048576", 1048576]]) {
      assert.equal(await c.call("CONFIG", "SET", "proto-max-bulk-len", String(value)), "OK");
      assert.equal(await get(c, "proto-max-bulk-len"), String(bytes));
    }
  });
});

Deno.test("CONFIG SET max-line-bytes and client-query-buffer-limit apply to the next request", async () => {
  await withClient(async (c) => {
    assert.equal(await c.call("CONFIG", "SET", "max-line-bytes", "16"), "OK");
    assert.equal(await get(c, "max-line-bytes"), "16");
    await c.send(`ECHO ${"x".repeat(40)}\r\n`);
    assert.equal(await c.readToEnd(), "-ERR Protocol error: too big inline request\r\n");
  });
  await withServer(async ({ port }) => {
    const c = await RawClient.connect(port);
    const watcher = await RawClient.connect(port);
    try {
      assert.equal(await c.call("CONFIG", "SET", "client-query-buffer-limit", "1mb"), "OK");
      assert.equal(await get(c, "client-query-buffer-limit"), "1048576");
      // 2 MiB of a value the client never finishes: more than the limit, so it is dropped.
      await c.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n");
      const chunk = "y".repeat(64 * 1024);
      try {
        for (let i = 0; i < 32; i++) await c.send(chunk);
      } catch {
        // the server may close while we still write
      }
      assert.equal(await c.closedByServer(), true);
      assert.equal(await watcher.call("PING"), "PONG");
    } finally {
      c.close();
      watcher.close();
    }
  });
});

Deno.test("CONFIG SET hz and janitor-interval-ms change the janitor's pace at once", async () => {
  await withClient(async (c) => {
    // A janitor that would not run for a minute...
    assert.equal(await get(c, "janitor-interval-ms"), "60000");
    assert.equal(await get(c, "hz"), "1");
    for (let i = 0; i < 20; i++) {
      assert.equal(await c.call("SET", `t${i}`, "v", "PX", "1"), "OK");
    }
    await sleep(5);
    // ...is set to 100 cycles a second, and reclaims the keys nobody reads.
    assert.equal(await c.call("CONFIG", "SET", "hz", "100"), "OK");
    assert.equal(await get(c, "janitor-interval-ms"), "10");
    let size = -1;
    for (let i = 0; i < 300 && size !== 0; i++) {
      await sleep(10);
      size = await c.call("DBSIZE") as number;
    }
    assert.equal(size, 0);
    assert.match(await c.call("INFO", "stats") as string, /\r\nexpired_keys:20\r\n/);
    // Redis takes 0..INT_MAX and runs within 1..500.
    assert.equal(await c.call("CONFIG", "SET", "hz", "0"), "OK");
    assert.equal(await get(c, "hz"), "1");
    assert.equal(await c.call("CONFIG", "SET", "hz", "100000"), "OK");
    assert.equal(await get(c, "hz"), "500");
    assert.equal(await get(c, "janitor-interval-ms"), "2");
    assert.equal(await c.call("CONFIG", "SET", "janitor-interval-ms", "250"), "OK");
    assert.equal(await get(c, "hz"), "4");
    assert.match(await c.call("INFO", "server") as string, /\r\nhz:4\r\nconfigured_hz:4\r\n/);
  }, ["--janitor-interval-ms", "60000"]);
});

Deno.test("CONFIG SET slowlog-* and latency-tracking drive SLOWLOG and INFO latencystats", async () => {
  await withClient(async (c) => {
    assert.equal(
      await c.call("CONFIG", "SET", "slowlog-log-slower-than", "0", "slowlog-max-len", "2"),
      "OK",
    );
    assert.deepEqual(await c.call("CONFIG", "GET", "slowlog-*"), [
      "slowlog-log-slower-than",
      "0",
      "slowlog-max-len",
      "2",
    ]);
    await c.call("SET", "a", "1");
    await c.call("GET", "a");
    await c.call("ECHO", "x");
    assert.equal(await c.call("SLOWLOG", "LEN"), 2, "every command logged, at most 2 kept");
    assert.equal(await c.call("CONFIG", "SET", "slowlog-log-slower-than", "-1"), "OK");
    assert.equal(await c.call("SLOWLOG", "RESET"), "OK");
    await c.call("GET", "a");
    assert.equal(await c.call("SLOWLOG", "LEN"), 0, "-1 logs nothing");

    assert.match(await c.call("INFO", "latencystats") as string, /latency_percentiles_usec_get:/);
    assert.equal(await c.call("CONFIG", "SET", "latency-tracking", "no"), "OK");
    assert.equal(await get(c, "latency-tracking"), "no");
    assert.equal(await c.call("INFO", "latencystats"), "# Latencystats\r\n");
    assert.equal(await c.call("CONFIG", "SET", "latency-tracking", "YES"), "OK");
    assert.equal(await get(c, "latency-tracking"), "yes");
    assert.equal(await c.call("CONFIG", "SET", "latency-monitor-threshold", "100"), "OK");
    assert.equal(await get(c, "latency-monitor-threshold"), "100");
  });
});

Deno.test("CONFIG SET is all or nothing", async () => {
  await withClient(async (c) => {
    const before = await c.call("CONFIG", "GET", "hz", "maxclients", "slowlog-max-len");
    for (
      const args of [
        ["hz", "20", "slowlog-max-len", "7", "maxclients", "0"], // a bad value, last
        ["hz", "20", "port", "1"], // an immutable parameter
        ["hz", "20", "nosuch", "1"], // an unknown one
        ["hz", "20", "HZ", "30"], // the same one twice
      ]
    ) {
      const r = await c.call("CONFIG", "SET", ...args);
      assert.ok(r instanceof ReplyError, `${args}: ${r}`);
      assert.deepEqual(
        await c.call("CONFIG", "GET", "hz", "maxclients", "slowlog-max-len"),
        before,
      );
    }
    assert.equal(
      await c.call("CONFIG", "SET", "hz", "20", "slowlog-max-len", "7", "maxclients", "50"),
      "OK",
    );
    assert.deepEqual(await c.call("CONFIG", "GET", "hz", "maxclients", "slowlog-max-len"), [
      "hz",
      "20",
      "maxclients",
      "50",
      "slowlog-max-len",
      "7",
    ]);
  });
});

Deno.test("CONFIG errors: immutable, unknown, values, ranges, REWRITE", async () => {
  await withClient(async (c) => {
    const err = async (...args: string[]) => String(await c.call("CONFIG", ...args));
    const failed = (name: string, why: string) =>
      `ReplyError(ERR CONFIG SET failed (possibly related to argument '${name}') - ${why})`;
    for (const name of ["port", "bind", "databases", "save", "appendonly", "maxmemory"]) {
      assert.equal(await err("SET", name, "1"), failed(name, "can't set immutable config"));
    }
    // Names are matched ignoring case; errors about a value name the parameter canonically.
    assert.equal(await err("SET", "Port", "1"), failed("Port", "can't set immutable config"));
    assert.equal(
      await err("SET", "MaxClients", "x"),
      failed("maxclients", "argument couldn't be parsed into an integer"),
    );
    assert.equal(
      await err("SET", "nosuch", "1"),
      "ReplyError(ERR Unknown option or number of arguments for CONFIG SET - 'nosuch')",
    );
    assert.equal(await err("SET", "hz", "1", "maxclients"), "ReplyError(ERR syntax error)");
    for (const value of ["1.5mb", "2constructor", "1e6", "-1", "mb"]) {
      assert.equal(
        await err("SET", "proto-max-bulk-len", value),
        value === "mb"
          ? failed("proto-max-bulk-len", "argument must be between 1048576 and 536870912 inclusive")
          : failed("proto-max-bulk-len", "argument must be a memory value"),
        value,
      );
    }
    // keyval's ceiling is V8's longest string, below Redis's.
    assert.equal(
      await err("SET", "proto-max-bulk-len", "1gb"),
      failed("proto-max-bulk-len", "argument must be between 1048576 and 536870912 inclusive"),
    );
    assert.equal(
      await err("SET", "janitor-interval-ms", "0"),
      failed("janitor-interval-ms", "argument must be between 1 and 60000 inclusive"),
    );
    assert.equal(
      await err("SET", "latency-tracking", "1"),
      failed("latency-tracking", "argument must be 'yes' or 'no'"),
    );
    assert.equal(
      await err("REWRITE"),
      "ReplyError(ERR The server is running without a config file)",
    );
  });
});

Deno.test("CONFIG GET: several patterns, each parameter once, plain names echoed as given", async () => {
  await withClient(async (c) => {
    assert.deepEqual(await c.call("CONFIG", "GET", "MaxClients"), ["MaxClients", "10000"]);
    assert.deepEqual(await c.call("CONFIG", "GET", "MAXCLIENT?", "maxclients", "max*ents"), [
      "maxclients",
      "10000",
    ]);
    assert.deepEqual(await c.call("CONFIG", "GET", "nosuch", "no*such"), []);
    const all = await c.call("CONFIG", "GET", "*") as string[];
    const names = all.filter((_, i) => i % 2 === 0);
    for (
      const name of [
        "maxclients",
        "proto-max-bulk-len",
        "client-query-buffer-limit",
        "hz",
        "slowlog-log-slower-than",
        "slowlog-max-len",
        "latency-tracking",
        "port",
        "bind",
        "databases",
      ]
    ) assert.ok(names.includes(name), `CONFIG GET * lists ${name}`);
    assert.equal(new Set(names).size, names.length);
    const bulk = await c.call("CONFIG", "GET", "proto-max-bulk-len", "client-query-buffer-limit");
    assert.deepEqual(bulk, [
      "proto-max-bulk-len",
      "536870912",
      "client-query-buffer-limit",
      "1073741824",
    ]);
  });
});
