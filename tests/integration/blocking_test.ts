// Blocking list commands against a real keyval: clients served first-blocked-first-served,
// timeouts (fractional, 0 = forever), wakes by pushes and moves, disconnects, CLIENT UNBLOCK,
// and pipelined requests waiting behind a blocking one. No timing is asserted: the tests wait
// for INFO's blocked_clients to show each client blocked before going on.
import assert from "node:assert/strict";
import { RawClient, type Reply, ReplyError } from "../helpers/raw.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

/** Waits until INFO clients shows `n` blocked clients. */
async function blockedClients(c: RawClient, n: number): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    const info = String(await c.call("INFO", "clients"));
    if (info.includes(`blocked_clients:${n}\r\n`)) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`blocked_clients never reached ${n}`);
}

/** Sends a command without reading its reply. */
function send(c: RawClient, ...args: string[]): Promise<void> {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${a.length}\r\n${a}\r\n`;
  return c.send(s);
}

const err = (m: string) => new ReplyError(m);

Deno.test("blocking list commands", async (t) => {
  const server: TestServer = await startServer();
  const clients: RawClient[] = [];
  const client = async () => {
    const c = await RawClient.connect(server.port);
    clients.push(c);
    return c;
  };
  try {
    const c = await client();

    await t.step("clients are served first blocked, first served", async () => {
      const waiting = [await client(), await client(), await client()];
      for (const [i, w] of waiting.entries()) {
        await send(w, "BLPOP", "q", "0");
        await blockedClients(c, i + 1);
      }
      // The pusher's reply is the length right after its push, before anyone is served.
      assert.equal(await c.call("RPUSH", "q", "a", "b"), 2);
      assert.deepEqual(await waiting[0].reply(), ["q", "a"]);
      assert.deepEqual(await waiting[1].reply(), ["q", "b"]);
      await blockedClients(c, 1);
      assert.equal(await c.call("EXISTS", "q"), 0);
      assert.equal(await c.call("LPUSH", "q", "c", "d"), 2);
      assert.deepEqual(await waiting[2].reply(), ["q", "d"]);
      assert.deepEqual(await c.call("LRANGE", "q", "0", "-1"), ["c"]);
      await blockedClients(c, 0);
    });

    await t.step("timeouts reply the null array, fractional ones too", async () => {
      const w = await client();
      await send(w, "BLPOP", "none", "0.05");
      assert.equal(await w.readRaw(5), "*-1\r\n");
      await send(w, "BRPOPLPUSH", "none", "dst", "0.01");
      assert.equal(await w.readRaw(5), "*-1\r\n");
      await send(w, "BLMOVE", "none", "dst", "LEFT", "RIGHT", "0.01");
      assert.equal(await w.readRaw(5), "*-1\r\n");
      await send(w, "BLMPOP", "0.01", "2", "none", "other", "LEFT", "COUNT", "3");
      assert.equal(await w.readRaw(5), "*-1\r\n");
      await send(w, "BRPOP", "none", "1e-3");
      assert.equal(await w.readRaw(5), "*-1\r\n");
      assert.equal(await c.call("EXISTS", "none", "dst"), 0);
      await blockedClients(c, 0);
    });

    await t.step("0 waits until a push, onto any of the keys", async () => {
      const w = await client();
      await send(w, "BRPOP", "k1", "k2", "k3", "0");
      await blockedClients(c, 1);
      assert.equal(await c.call("SET", "k1", "a string does not wake it"), "OK");
      assert.equal(await c.call("RPUSH", "k3", "x", "y"), 2);
      assert.deepEqual(await w.reply(), ["k3", "y"]);
      assert.deepEqual(await c.call("LRANGE", "k3", "0", "-1"), ["x"]);
      // RPUSHX and LINSERT add to an existing list: nobody waits on a non-empty one.
      await send(w, "BLMPOP", "0", "1", "mp", "RIGHT", "COUNT", "2");
      await blockedClients(c, 1);
      assert.equal(await c.call("RPUSHX", "mp", "a"), 0);
      assert.equal(await c.call("RPUSH", "mp", "a", "b", "c"), 3);
      assert.deepEqual(await w.reply(), ["mp", ["c", "b"]]);
      assert.deepEqual(await c.call("LRANGE", "mp", "0", "-1"), ["a"]);
    });

    await t.step(
      "LMOVE, RPOPLPUSH and BLMOVE wake clients waiting on the destination",
      async () => {
        const a = await client();
        const b = await client();
        await send(a, "BLPOP", "dst", "0");
        await blockedClients(c, 1);
        assert.equal(await c.call("RPUSH", "src", "1", "2", "3"), 3);
        assert.equal(await c.call("LMOVE", "src", "dst", "LEFT", "RIGHT"), "1");
        assert.deepEqual(await a.reply(), ["dst", "1"]);
        await send(a, "BRPOP", "dst2", "0");
        await blockedClients(c, 1);
        assert.equal(await c.call("RPOPLPUSH", "src", "dst2"), "3");
        assert.deepEqual(await a.reply(), ["dst2", "3"]);
        // A chain: a waits to move from m1 to m2, b waits on m2; one push serves both.
        await send(a, "BLMOVE", "m1", "m2", "RIGHT", "LEFT", "0");
        await blockedClients(c, 1);
        await send(b, "BLPOP", "m2", "0");
        await blockedClients(c, 2);
        assert.equal(await c.call("LPUSH", "m1", "v"), 1);
        assert.equal(await a.reply(), "v");
        assert.deepEqual(await b.reply(), ["m2", "v"]);
        assert.equal(await c.call("EXISTS", "m1", "m2"), 0);
      },
    );

    await t.step("BLMOVE into a key of another type replies WRONGTYPE when served", async () => {
      const w = await client();
      assert.equal(await c.call("SET", "str", "v"), "OK");
      await send(w, "BRPOPLPUSH", "from", "str", "0");
      await blockedClients(c, 1);
      assert.equal(await c.call("RPUSH", "from", "kept"), 1);
      assert.deepEqual(
        await w.reply(),
        err("WRONGTYPE Operation against a key holding the wrong kind of value"),
      );
      assert.deepEqual(await c.call("LRANGE", "from", "0", "-1"), ["kept"]);
      await blockedClients(c, 0);
    });

    await t.step("a client that disconnects while blocked leaves nothing behind", async () => {
      const w = await client();
      await send(w, "BLPOP", "gone", "0");
      await blockedClients(c, 1);
      w.close();
      await blockedClients(c, 0);
      assert.equal(await c.call("RPUSH", "gone", "x"), 1);
      assert.deepEqual(await c.call("LRANGE", "gone", "0", "-1"), ["x"]);
      // One of two waiters goes away: the other is served.
      const stays = await client();
      const leaves = await client();
      await send(leaves, "BLPOP", "two", "0");
      await blockedClients(c, 1);
      await send(stays, "BLPOP", "two", "0");
      await blockedClients(c, 2);
      leaves.close();
      await blockedClients(c, 1);
      assert.equal(await c.call("RPUSH", "two", "y"), 1);
      assert.deepEqual(await stays.reply(), ["two", "y"]);
    });

    await t.step("pipelined requests after a blocking one run after it", async () => {
      const w = await client();
      await w.send(
        "*3\r\n$5\r\nBLPOP\r\n$4\r\npipe\r\n$1\r\n0\r\n" +
          "*2\r\n$4\r\nLLEN\r\n$4\r\npipe\r\n" +
          "*1\r\n$4\r\nPING\r\n",
      );
      await blockedClients(c, 1);
      // More requests while it waits stay queued behind the block too.
      await w.send("*2\r\n$4\r\nECHO\r\n$5\r\nlater\r\n");
      assert.equal(await c.call("RPUSH", "pipe", "a", "b"), 2);
      // LLEN ran after the pop: it sees one element left.
      assert.deepEqual(await w.replies(4), [["pipe", "a"], 1, "PONG", "later"]);
      // A blocking command in the middle of a batch blocks the requests after it only.
      await w.send(
        "*1\r\n$4\r\nPING\r\n*3\r\n$5\r\nBRPOP\r\n$5\r\npipe2\r\n$1\r\n0\r\n" +
          "*2\r\n$4\r\nECHO\r\n$5\r\nafter\r\n",
      );
      assert.equal(await w.reply(), "PONG");
      await blockedClients(c, 1);
      assert.equal(await c.call("RPUSH", "pipe2", "z"), 1);
      assert.deepEqual(await w.replies(2), [["pipe2", "z"], "after"]);
    });

    await t.step("CLIENT UNBLOCK ends a block with a timeout or an error", async () => {
      const w = await client();
      const id = String(await w.call("CLIENT", "ID"));
      await send(w, "BLPOP", "u", "0");
      await blockedClients(c, 1);
      const line = String(await c.call("CLIENT", "LIST", "ID", id));
      assert.match(line, / flags=b .* cmd=blpop /);
      assert.equal(await c.call("CLIENT", "UNBLOCK", id), 1);
      assert.equal(await w.readRaw(5), "*-1\r\n");
      assert.equal(await c.call("CLIENT", "UNBLOCK", id), 0);
      // Redis computes "-0.001" s as -0.99999... ms, which rounds up to 0: forever.
      await send(w, "BLMOVE", "u", "v", "LEFT", "LEFT", "-0.001");
      await blockedClients(c, 1);
      assert.equal(await c.call("CLIENT", "UNBLOCK", id, "ERROR"), 1);
      assert.deepEqual(await w.reply(), err("UNBLOCKED client unblocked via CLIENT UNBLOCK"));
      assert.equal(await w.call("PING"), "PONG");
      await blockedClients(c, 0);
    });

    await t.step(
      "a served BLMPOP gets up to COUNT elements from the key that got them",
      async () => {
        const w = await client();
        await send(w, "BLMPOP", "0", "2", "x1", "x2", "LEFT", "COUNT", "5");
        await blockedClients(c, 1);
        assert.equal(await c.call("RPUSH", "x2", "1", "2", "3"), 3);
        const r: Reply = await w.reply();
        assert.deepEqual(r, ["x2", ["1", "2", "3"]]);
        assert.equal(await c.call("EXISTS", "x2"), 0);
      },
    );

    await t.step("a list renamed or copied onto a waited key wakes the waiter", async () => {
      const w = await client();
      await send(w, "BLPOP", "target", "0");
      await blockedClients(c, 1);
      assert.equal(await c.call("RPUSH", "rsrc", "moved"), 1);
      assert.equal(await c.call("RENAME", "rsrc", "target"), "OK");
      assert.deepEqual(await w.reply(), ["target", "moved"]);
      await send(w, "BLPOP", "target2", "0");
      await blockedClients(c, 1);
      assert.equal(await c.call("RPUSH", "rsrc", "copied"), 1);
      assert.equal(await c.call("COPY", "rsrc", "target2"), 1);
      assert.deepEqual(await w.reply(), ["target2", "copied"]);
      assert.deepEqual(await c.call("LRANGE", "rsrc", "0", "-1"), ["copied"]);
      await blockedClients(c, 0);
    });

    await t.step("a waiter of another type is passed over, not in the way", async () => {
      const zset = await client();
      const zsetId = await zset.call("CLIENT", "ID");
      await send(zset, "BZPOPMIN", "mixed", "0");
      await blockedClients(c, 1);
      const list = await client();
      await send(list, "BLPOP", "mixed", "0");
      await blockedClients(c, 2);
      assert.equal(await c.call("RPUSH", "mixed", "x"), 1);
      assert.deepEqual(await list.reply(), ["mixed", "x"]);
      await blockedClients(c, 1);
      // The sorted-set waiter is still blocked on the key, which now holds a list.
      assert.equal(await c.call("CLIENT", "UNBLOCK", String(zsetId)), 1);
      assert.equal(await zset.readRaw(5), "*-1\r\n");
      await blockedClients(c, 0);
    });
  } finally {
    for (const cl of clients) cl.close();
    await server.stop();
  }
});
