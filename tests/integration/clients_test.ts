// Real Redis clients against keyval: npm:redis (node-redis), npm:ioredis, and redis-cli and
// redis-benchmark from Debian's redis-tools. They must connect and work without warnings.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { withServer } from "../helpers/server.ts";
import { ioredisClient, nodeRedisClient } from "../helpers/clients.ts";

const hasTool = (name: string) => {
  try {
    return new Deno.Command("which", { args: [name], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
};
// In CI the tools are installed by .ci/run, so their absence is a failure there.
const redisTools = hasTool("redis-cli") && hasTool("redis-benchmark");
const toolsIgnored = !redisTools && !Deno.env.get("CI");

/** Runs a command and returns its stdout and stderr. */
async function run(cmd: string, args: string[], stdin?: string) {
  const child = new Deno.Command(cmd, {
    args,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("npm:redis (node-redis 5) connects and runs string, key and TTL commands", async () => {
  await withServer(async ({ port }) => {
    const client = nodeRedisClient(port);
    const errors: unknown[] = [];
    client.on("error", (e) => errors.push(e));
    await client.connect();
    try {
      assert.equal(await client.ping(), "PONG");
      assert.equal(await client.set("user:1", "deno"), "OK");
      assert.equal(await client.get("user:1"), "deno");
      assert.equal(await client.set("s", "v", { EX: 100 }), "OK");
      assert.equal(await client.ttl("s"), 100);
      assert.equal(await client.incr("n"), 1);
      assert.equal(await client.incrBy("n", 41), 42);
      assert.equal(await client.incrByFloat("f", 1.5), "1.5");
      assert.deepEqual(await client.mGet(["user:1", "nope", "n"]), ["deno", null, "42"]);
      assert.equal(await client.mSet({ a: "1", b: "2" }), "OK");
      assert.equal(await client.exists(["a", "b", "zz"]), 2);
      assert.equal(await client.append("a", "23"), 3);
      assert.equal(await client.getRange("a", 0, 1), "12");
      assert.equal(await client.del(["a", "b"]), 2);
      assert.equal(await client.type("user:1"), "string");
      assert.equal(await client.expire("user:1", 50), 1);
      assert.equal(await client.persist("user:1"), 1);
      assert.equal(await client.ttl("user:1"), -1);
      const seen: string[] = [];
      for await (const keys of client.scanIterator({ COUNT: 2 })) seen.push(...keys);
      assert.deepEqual(seen.sort(), ["f", "n", "s", "user:1"]);
      assert.equal(await client.dbSize(), 4);
      const binary = Buffer.from([0, 13, 10, 255, 128, 1]);
      await client.set("bin", binary);
      const back = await client.withTypeMapping({ 36: Buffer }).get("bin");
      assert.deepEqual(back && [...back], [...binary]);
      await assert.rejects(client.sendCommand(["NOPE"]), /unknown command 'NOPE'/);
      const info = await client.info("server");
      assert.match(info, /redis_version:7\./);
      assert.equal(await client.flushAll(), "OK");
    } finally {
      await client.quit();
    }
    assert.deepEqual(errors, []);
  });
});

Deno.test("npm:ioredis connects (ready check via INFO) and runs a pipeline", async () => {
  await withServer(async ({ port }) => {
    const redis = ioredisClient(port);
    const errors: unknown[] = [];
    redis.on("error", (e: unknown) => errors.push(e));
    await redis.connect();
    try {
      assert.equal(redis.status, "ready");
      assert.equal(await redis.set("k", "v", "PX", 100000), "OK");
      assert.equal(await redis.getex("k", "PERSIST"), "v");
      assert.equal(await redis.ttl("k"), -1);
      const results = await redis.pipeline()
        .set("p1", "a")
        .incr("ctr")
        .incr("ctr")
        .get("p1")
        .getdel("p1")
        .exists("p1")
        .exec();
      assert.deepEqual(results, [[null, "OK"], [null, 1], [null, 2], [null, "a"], [null, "a"], [
        null,
        0,
      ]]);
      const multi = await redis.mget("k", "ctr", "none");
      assert.deepEqual(multi, ["v", "2", null]);
      await assert.rejects(redis.incr("k"), /ERR value is not an integer or out of range/);
      assert.equal(await redis.client("SETNAME", "worker-1"), "OK");
      assert.equal(await redis.client("GETNAME"), "worker-1");
      assert.equal(typeof await redis.client("ID"), "number");
      const cfg = await redis.config("GET", "maxclients");
      assert.deepEqual(cfg, ["maxclients", "10000"]);
      assert.equal(await redis.rename("ctr", "counter"), "OK");
      assert.equal(await redis.get("counter"), "2");
    } finally {
      await redis.quit();
    }
    assert.deepEqual(errors, []);
  });
});

Deno.test({
  name: "redis-cli: one-shot commands, stdin mode and --pipe bulk loading",
  ignore: toolsIgnored,
  fn: async () => {
    await withServer(async ({ port }) => {
      const p = ["-h", "127.0.0.1", "-p", String(port)];
      let r = await run("redis-cli", [...p, "SET", "greeting", "hello world"]);
      assert.equal(r.stdout, "OK\n");
      r = await run("redis-cli", [...p, "GET", "greeting"]);
      assert.equal(r.stdout, "hello world\n");
      r = await run("redis-cli", [...p, "INCRBY", "n", "5"]);
      assert.equal(r.stdout, "5\n");
      r = await run("redis-cli", [...p, "GET", "missing"]);
      assert.equal(r.stdout, "\n");
      r = await run("redis-cli", [...p, "GETRANGE"]);
      assert.equal(r.stdout.trim(), "ERR wrong number of arguments for 'getrange' command");
      r = await run("redis-cli", [...p], "PING\nSET a 1\nMGET a greeting\n");
      assert.equal(r.stdout, "PONG\nOK\n1\nhello world\n");
      // --pipe: raw RESP for 10,000 SETs, as a bulk loader produces it.
      let proto = "";
      for (let i = 0; i < 10_000; i++) {
        const key = `key:${i}`;
        const val = `value:${i}`;
        proto += `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${val.length}\r\n${val}\r\n`;
      }
      r = await run("redis-cli", [...p, "--pipe"], proto);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /errors: 0, replies: 10000/);
      r = await run("redis-cli", [...p, "DBSIZE"]);
      assert.equal(r.stdout, "10003\n");
      r = await run("redis-cli", [...p, "GET", "key:9999"]);
      assert.equal(r.stdout, "value:9999\n");
      r = await run("redis-cli", [...p, "--scan", "--pattern", "key:99??"]);
      assert.equal(r.stdout.trim().split("\n").length, 100);
      r = await run("redis-cli", [...p, "INFO", "keyspace"]);
      assert.match(r.stdout, /db0:keys=10003,expires=0/);
      assert.equal(r.stderr, "");
    });
  },
});

Deno.test({
  name: "redis-benchmark runs SET/GET/INCR/MSET against keyval without errors or warnings",
  ignore: toolsIgnored,
  fn: async () => {
    await withServer(async ({ port }) => {
      const r = await run("redis-benchmark", [
        "-h",
        "127.0.0.1",
        "-p",
        String(port),
        "-q",
        "-n",
        "2000",
        "-c",
        "10",
        "-t",
        "set,get,incr,mset,ping",
        "--csv",
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stdout + r.stderr, /WARNING|ERR/);
      for (const test of ["SET", "GET", "INCR", "MSET (10 keys)", "PING_INLINE", "PING_MBULK"]) {
        assert.match(r.stdout, new RegExp(`^"${test.replace(/[()]/g, "\\$&")}","\\d`, "m"));
      }
    });
  },
});
