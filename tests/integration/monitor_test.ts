// MONITOR against keyval: the line format (Redis's timestamp, database and peer, arguments
// quoted as sdscatrepr quotes them), which commands are shown (run ones, failed ones; not
// refused or admin ones; passwords redacted), what a monitoring client may still do, and
// monitors leaving.
import assert from "node:assert/strict";
import { concat, encodeCommand, RawClient } from "../helpers/raw.ts";
import { withServer } from "../helpers/server.ts";
import { Server } from "../../src/server.ts";
import { defaultConfig } from "../../src/config.ts";

/** The client's own address, as CLIENT INFO reports it. */
async function addrOf(c: RawClient): Promise<string> {
  const info = await c.call("CLIENT", "INFO") as string;
  return /addr=(\S+)/.exec(info)![1];
}

/** A MONITOR line without its timestamp, after checking the timestamp's shape and time. */
function strip(line: unknown): string {
  assert.equal(typeof line, "string", `a monitor line, got ${line}`);
  const m = /^(\d+)\.(\d{6}) (.*)$/.exec(line as string);
  assert.ok(m, `timestamp in ${line}`);
  assert.ok(Math.abs(Number(m[1]) - Date.now() / 1000) < 60, "seconds are Unix time now");
  return m[3];
}

/** Connects a client and puts it in MONITOR mode. */
async function monitor(port: number): Promise<RawClient> {
  const m = await RawClient.connect(port);
  assert.equal(await m.call("MONITOR"), "OK");
  return m;
}

Deno.test("MONITOR shows each command run, quoted as Redis quotes it", async () => {
  await withServer(async ({ port }) => {
    const m = await monitor(port);
    const c = await RawClient.connect(port);
    try {
      const addr = await addrOf(c); // CLIENT INFO is no admin command: the monitor sees it
      assert.match(strip(await m.reply()), /^\[0 127\.0\.0\.1:\d+\] "CLIENT" "INFO"$/);
      assert.equal(await c.call("SET", "k", 'a"b\\c\r\n\t\x07\x08\x00\xff~ '), "OK");
      assert.equal(
        strip(await m.reply()),
        `[0 ${addr}] "SET" "k" "a\\"b\\\\c\\r\\n\\t\\a\\b\\x00\\xff~ "`,
      );
      assert.equal(await c.call("get", "k"), 'a"b\\c\r\n\t\x07\x08\x00\xff~ ');
      assert.equal(strip(await m.reply()), `[0 ${addr}] "get" "k"`);
      // Inline requests are shown the same way.
      await c.send("ECHO  hi\r\n");
      assert.equal(await c.reply(), "hi");
      assert.equal(strip(await m.reply()), `[0 ${addr}] "ECHO" "hi"`);
    } finally {
      c.close();
      m.close();
    }
  });
});

Deno.test("MONITOR skips refused and admin commands, shows failed ones, redacts passwords", async () => {
  await withServer(async ({ port }) => {
    const m = await monitor(port);
    const c = await RawClient.connect(port);
    try {
      const addr = await addrOf(c);
      strip(await m.reply());
      const commands = [
        ["NOSUCH", "x"], // refused: unknown
        ["GET"], // refused: arity
        ["CONFIG", "GET", "hz"], // admin
        ["CLIENT", "LIST"], // admin
        ["SET", "n", "abc"],
        ["INCR", "n"], // runs and fails: shown
        ["HELLO", "2", "AUTH", "default", "secret", "SETNAME", "x"],
        ["PING"],
      ];
      for (const args of commands) await c.send(encodeCommand(args));
      const replies = await c.replies(commands.length);
      assert.match(String(replies[5]), /not an integer/);
      assert.equal(strip(await m.reply()), `[0 ${addr}] "SET" "n" "abc"`);
      assert.equal(strip(await m.reply()), `[0 ${addr}] "INCR" "n"`);
      assert.equal(
        strip(await m.reply()),
        `[0 ${addr}] "HELLO" "2" "AUTH" "(redacted)" "(redacted)" "SETNAME" "x"`,
      );
      assert.equal(strip(await m.reply()), `[0 ${addr}] "PING"`);
    } finally {
      c.close();
      m.close();
    }
  });
});

Deno.test("every command of a pipelined batch reaches every monitor, in order", async () => {
  await withServer(async ({ port }) => {
    const m1 = await monitor(port);
    const m2 = await monitor(port);
    const c = await RawClient.connect(port);
    try {
      let batch = "";
      for (let i = 0; i < 200; i++) {
        batch += `*3\r\n$3\r\nSET\r\n$2\r\nk${i % 10}\r\n$1\r\n${i % 10}\r\n`;
      }
      await c.send(batch);
      assert.equal((await c.replies(200)).filter((r) => r === "OK").length, 200);
      for (const m of [m1, m2]) {
        const lines = (await m.replies(200)).map(strip);
        assert.deepEqual(
          lines.map((l) => l.replace(/^\[0 [^\]]+\] /, "")),
          Array.from({ length: 200 }, (_, i) => `"SET" "k${i % 10}" "${i % 10}"`),
        );
      }
    } finally {
      c.close();
      m1.close();
      m2.close();
    }
  });
});

Deno.test("long feeds from many busy clients reach the monitor intact", async () => {
  await withServer(async ({ port }) => {
    // The monitor's lines leave in one write per turn of the event loop, from the writer's own
    // memory once they pass 1 KB (src/protocol/encoder.ts): eight clients' batches of ~1.8 KB
    // of lines each must all arrive whole and in each client's order.
    const m = await monitor(port);
    const writers = await Promise.all(Array.from({ length: 8 }, () => RawClient.connect(port)));
    const value = (w: number, i: number) =>
      Array.from({ length: 400 }, (_, j) => String.fromCharCode(97 + (w * 7 + i * 3 + j) % 26))
        .join("");
    const ROUNDS = 40;
    const PER_SEND = 4;
    try {
      await Promise.all(writers.map(async (c, w) => {
        for (let r = 0; r < ROUNDS; r++) {
          const batch = [];
          for (let k = 0; k < PER_SEND; k++) {
            batch.push(encodeCommand(["SET", `w${w}`, value(w, r * PER_SEND + k)]));
          }
          await c.send(concat(batch));
          assert.deepEqual(await c.replies(PER_SEND), Array(PER_SEND).fill("OK"));
        }
      }));
      const lines = (await m.replies(8 * ROUNDS * PER_SEND)).map(strip);
      // Each writer's lines, in its order, exactly as sent.
      for (let w = 0; w < writers.length; w++) {
        const mine = lines.filter((l) => l.includes(`"SET" "w${w}" `))
          .map((l) => l.replace(/^\[0 [^\]]+\] /, ""));
        assert.deepEqual(
          mine,
          Array.from({ length: ROUNDS * PER_SEND }, (_, i) => `"SET" "w${w}" "${value(w, i)}"`),
        );
      }
    } finally {
      for (const c of writers) c.close();
      m.close();
    }
  });
});

Deno.test("a monitoring client may not touch the keyspace but may PING, INFO and QUIT", async () => {
  await withServer(async ({ port }) => {
    const m = await monitor(port);
    try {
      const addr = await addrOf(m);
      // Its own commands reach it too, after their replies.
      assert.match(strip(await m.reply()), /"CLIENT" "INFO"$/);
      assert.equal(await m.call("PING"), "PONG");
      assert.equal(strip(await m.reply()), `[0 ${addr}] "PING"`);
      const refused = await m.call("GET", "k");
      assert.equal(String(refused), "ReplyError(ERR Replica can't interact with the keyspace)");
      assert.equal(String(await m.call("SET", "k", "v")), String(refused));
      // A second MONITOR gets no reply at all, as in Redis: the PING's reply comes next.
      await m.send("*1\r\n$7\r\nMONITOR\r\n*1\r\n$4\r\nPING\r\n");
      assert.equal(await m.reply(), "PONG");
      assert.equal(strip(await m.reply()), `[0 ${addr}] "PING"`);
      const info = await m.call("INFO", "commandstats") as string;
      assert.match(info, /cmdstat_get:calls=0,.*rejected_calls=1,/);
      assert.match(strip(await m.reply()), /"INFO" "commandstats"$/);
      const list = await m.call("CLIENT", "LIST") as string;
      assert.match(list, /flags=O /);
      // QUIT: +OK, then the connection closes with nothing after it.
      await m.send("*1\r\n$4\r\nQUIT\r\n");
      assert.equal(await m.readToEnd(), "+OK\r\n");
    } finally {
      m.close();
    }
  });
});

Deno.test("a monitor that disconnects is dropped; the others keep their feed", async () => {
  await withServer(async (server) => {
    const gone = await monitor(server.port);
    const m = await monitor(server.port);
    const c = await RawClient.connect(server.port);
    try {
      const connected = async () => {
        const info = await c.call("INFO", "clients") as string;
        return Number(/connected_clients:(\d+)/.exec(info)![1]);
      };
      // Monitors are clients, as Redis counts them.
      assert.equal(await connected(), 3);
      gone.close();
      for (let i = 0; i < 200 && await connected() !== 2; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.equal(await connected(), 2);
      assert.equal(await c.call("SET", "a", "1"), "OK");
      // Skip the INFO lines: the feed still flows to the remaining monitor.
      let line;
      do line = strip(await m.reply()); while (line.endsWith('"INFO" "clients"'));
      assert.match(line, /"SET" "a" "1"$/);
      assert.doesNotMatch(server.output(), /error/i);
    } finally {
      c.close();
      m.close();
    }
  });
});

Deno.test("when the last monitor leaves, dispatch is back to its one false check", async () => {
  const server = new Server(defaultConfig({ port: 0, metricsBind: null }));
  await server.start();
  try {
    const m1 = await monitor(server.port);
    const m2 = await monitor(server.port);
    assert.equal(server.monitors.size, 2);
    assert.equal(server.monitors.active, true);
    m1.close();
    m2.close();
    for (let i = 0; i < 200 && server.clients.size > 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(server.monitors.size, 0);
    assert.equal(server.monitors.active, false);
  } finally {
    await server.shutdown();
  }
});
