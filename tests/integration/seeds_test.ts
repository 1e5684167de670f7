// The seed READMEs' demos, verbatim, over raw inline bytes as `nc` sends them.
import assert from "node:assert/strict";
import { RawClient, ReplyError } from "../helpers/raw.ts";
import { withServer } from "../helpers/server.ts";

Deno.test("seed 000 demo: PING, SET EX, GET, TTL, STATS, then expiry", async () => {
  await withServer(async ({ port }) => {
    const c = await RawClient.connect(port);
    await c.send("PING\nSET a hello EX 2\nGET a\nTTL a\nSTATS\n");
    assert.deepEqual(await c.replies(4), ["PONG", "OK", "hello", 2]);
    const stats = await c.reply();
    assert.equal(typeof stats, "string");
    const counters = Object.fromEntries(
      (stats as string).trim().split(/\r?\n/).map((l) => l.split(":")),
    );
    for (
      const name of [
        "connections",
        "commands",
        "gets",
        "hits",
        "misses",
        "sets",
        "dels",
        "ttl",
        "expire",
        "expired_removed",
      ]
    ) {
      assert.ok(name in counters, `STATS has ${name}`);
    }
    assert.equal(counters.connections, "1");
    assert.equal(counters.commands, "5");
    assert.equal(counters.sets, "1");
    assert.equal(counters.gets, "1");
    assert.equal(counters.ttl, "1");
    c.close();
    // The demo waits 3 s for EX 2; PEXPIRE lets the test see the same expiry without the wait.
    const d = await RawClient.connect(port);
    await d.send("PEXPIRE a 30\n");
    assert.equal(await d.reply(), 1);
    await new Promise((r) => setTimeout(r, 60));
    await d.send("GET a\nTTL a\nSTATS\n");
    assert.deepEqual(await d.replies(2), [null, -2]);
    assert.match(await d.reply() as string, /expired_removed:1\r?\n/);
    d.close();
  });
});

Deno.test("seed 000: SET with a multi-word inline value joins the words", async () => {
  await withServer(async ({ port }) => {
    const c = await RawClient.connect(port);
    await c.send("SET greeting hello big world\r\nGET greeting\r\n");
    assert.deepEqual(await c.replies(2), ["OK", "hello big world"]);
    await c.send("SET note meet at noon EX 100\nGET note\nTTL note\n");
    assert.deepEqual(await c.replies(3), ["OK", "meet at noon", 100]);
    // Over RESP the extra word stays a syntax error, as in Redis.
    assert.deepEqual(await c.call("SET", "x", "a", "b"), new ReplyError("ERR syntax error"));
    c.close();
  });
});

Deno.test("seed 001: EXP is accepted as EX", async () => {
  await withServer(async ({ port }) => {
    const c = await RawClient.connect(port);
    await c.send("SET session:101 active EXP 30\nGET session:101\nTTL session:101\n");
    assert.deepEqual(await c.replies(3), ["OK", "active", 30]);
    c.close();
  });
});

Deno.test("seed 002: RESP2 SET/GET, INCR, EXISTS/DEL, KEYS/FLUSHALL", async () => {
  await withServer(async ({ port }) => {
    const c = await RawClient.connect(port);
    await c.send("*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$3\r\nbar\r\n");
    assert.equal(await c.readRaw(5), "+OK\r\n");
    await c.send("*2\r\n$3\r\nGET\r\n$3\r\nfoo\r\n");
    assert.equal(await c.readRaw(9), "$3\r\nbar\r\n");
    assert.equal(await c.call("INCR", "ctr"), 1);
    assert.equal(await c.call("INCR", "ctr"), 2);
    assert.equal(await c.call("EXISTS", "foo"), 1);
    assert.equal(await c.call("DEL", "foo"), 1);
    assert.equal(await c.call("EXISTS", "foo"), 0);
    await c.call("SET", "a", "1");
    await c.call("SET", "b", "2");
    assert.deepEqual((await c.call("KEYS", "*") as string[]).sort(), ["a", "b", "ctr"]);
    assert.equal(await c.call("FLUSHALL"), "OK");
    assert.deepEqual(await c.call("KEYS", "*"), []);
    c.close();
  });
});

Deno.test("seeds 003/004: ECHO, SET PX then expiry", async () => {
  await withServer(async ({ port }) => {
    const c = await RawClient.connect(port);
    assert.equal(await c.call("ECHO", "hey"), "hey");
    assert.equal(await c.call("SET", "tempkey", "world", "PX", "40"), "OK");
    assert.equal(await c.call("GET", "tempkey"), "world");
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(await c.call("GET", "tempkey"), null);
    c.close();
  });
});
