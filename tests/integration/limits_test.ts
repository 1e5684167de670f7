// Replies too large to build: random picks with repetition (a negative count) may ask for more
// elements than any reply can hold. keyval refuses at once with an error instead of taking the
// server's memory (Redis 7.0 tries, and dies), and the server goes on serving.
import assert from "node:assert/strict";
import { ReplyError } from "../helpers/raw.ts";
import { withClient } from "../helpers/server.ts";

const TOO_LARGE = new ReplyError("ERR reply exceeds 1 GiB: ask for fewer elements");
const HUGE = "-4611686018427387903"; // -(LONG_MAX / 2): accepted by every count parser

Deno.test("random picks past the reply limit get an error, and the server goes on", async () => {
  await withClient(async (c) => {
    await c.call("SADD", "s", "a", "b");
    await c.call("HSET", "h", "f", "v");
    await c.call("ZADD", "z", "1", "m");
    assert.deepEqual(await c.call("SRANDMEMBER", "s", HUGE), TOO_LARGE);
    assert.deepEqual(await c.call("HRANDFIELD", "h", HUGE), TOO_LARGE);
    assert.deepEqual(await c.call("HRANDFIELD", "h", HUGE, "WITHVALUES"), TOO_LARGE);
    assert.deepEqual(await c.call("ZRANDMEMBER", "z", HUGE), TOO_LARGE);
    assert.deepEqual(await c.call("ZRANDMEMBER", "z", HUGE, "WITHSCORES"), TOO_LARGE);
    // Large but within the limit: served whole.
    const picks = await c.call("SRANDMEMBER", "s", "-100000") as string[];
    assert.equal(picks.length, 100000);
    assert.equal(await c.call("PING"), "PONG");
  });
});
