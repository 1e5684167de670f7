// Microbenchmarks of the protocol hot path: decoding RESP and inline requests (one and a
// pipelined batch), encoding the common replies, building byte strings from request bytes, and
// handing a batch of replies to the socket.
import { NEED_MORE, RequestDecoder } from "../src/protocol/decoder.ts";
import { ReplyWriter } from "../src/protocol/encoder.ts";
import { defaultConfig } from "../src/config.ts";
import { ByteBuffer } from "../src/protocol/latin1.ts";
import { Buffer } from "node:buffer";

const enc = new TextEncoder();
const config = defaultConfig();
const SET = enc.encode("*3\r\n$3\r\nSET\r\n$16\r\nkey:000000012345\r\n$16\r\nxxxxxxxxxxxxxxxx\r\n");
const GET = enc.encode("*2\r\n$3\r\nGET\r\n$16\r\nkey:000000012345\r\n");
const INLINE = enc.encode("SET key:000000012345 xxxxxxxxxxxxxxxx\r\n");
const PIPELINE = new Uint8Array(SET.length * 16);
for (let i = 0; i < 16; i++) PIPELINE.set(SET, i * SET.length);

/** Feeds `bytes` to the decoder and decodes every request in them. */
function decodeAll(d: RequestDecoder, bytes: Uint8Array): number {
  d.space().set(bytes);
  d.commit(bytes.length);
  let n = 0;
  while (d.next() !== NEED_MORE) n++;
  return n;
}

const decoder = new RequestDecoder(config);
Deno.bench("decode RESP SET", { group: "decode", baseline: true }, () => {
  decodeAll(decoder, SET);
});
Deno.bench("decode RESP GET", { group: "decode" }, () => {
  decodeAll(decoder, GET);
});
Deno.bench("decode inline SET", { group: "decode" }, () => {
  decodeAll(decoder, INLINE);
});
Deno.bench("decode 16 pipelined RESP SETs", { group: "decode" }, () => {
  decodeAll(decoder, PIPELINE);
});

const writer = new ReplyWriter();
const value = "xxxxxxxxxxxxxxxx";
Deno.bench("encode +OK", { group: "encode", baseline: true }, () => {
  writer.ok();
  writer.reset();
});
Deno.bench("encode 16-byte bulk", { group: "encode" }, () => {
  writer.bulk(value);
  writer.reset();
});
Deno.bench("encode integer", { group: "encode" }, () => {
  writer.int(1234567);
  writer.reset();
});

const mem = new ByteBuffer(4096);
mem.bytes.set(enc.encode("key:000000012345 and a value of thirty-two bytes......"), 0);
Deno.bench("byte string from 5 bytes", { group: "latin1" }, () => {
  mem.latin1(0, 5);
});
Deno.bench("byte string from 8 bytes", { group: "latin1", baseline: true }, () => {
  mem.latin1(0, 8);
});
Deno.bench("byte string from 12 bytes", { group: "latin1" }, () => {
  mem.latin1(0, 12);
});
Deno.bench("byte string from 16 bytes", { group: "latin1" }, () => {
  mem.latin1(0, 16);
});
Deno.bench("byte string from 32 bytes", { group: "latin1" }, () => {
  mem.latin1(0, 32);
});
Deno.bench("byte string from 48 bytes (native)", { group: "latin1" }, () => {
  mem.latin1(0, 48);
});

// Handing a batch of replies to the socket (ReplyWriter.detach): a copy into node's Buffer pool,
// which renews its 8 KiB block as it fills, against lending the writer's memory and going on in
// a spare. Both end with the writer empty; a lent buffer comes back once sent (here at once).
const lines = Array.from({ length: 100 }, () => "z".repeat(16));
for (const [label, replies] of [["80 B", 4], ["2.3 KB", 100]] as const) {
  const lender = new ReplyWriter();
  Deno.bench(`hand over ${label} of replies`, { group: `detach ${label}` }, () => {
    for (let i = 0; i < replies; i++) lender.bulk(lines[i]);
    const bytes = lender.detach();
    if (lender.isLent(bytes)) lender.recycle(bytes);
  });
  const copier = new ReplyWriter();
  Deno.bench(`copy ${label} of replies into node's Buffer pool`, {
    group: `detach ${label}`,
    baseline: true,
  }, () => {
    for (let i = 0; i < replies; i++) copier.bulk(lines[i]);
    const n = copier.length;
    Buffer.allocUnsafe(n).set(copier.take());
    copier.reset();
  });
}
Deno.bench("new 8 KiB ArrayBuffer", { group: "memory" }, () => {
  new Uint8Array(8192);
});
Deno.bench("new 80-byte ArrayBuffer", { group: "memory", baseline: true }, () => {
  new Uint8Array(80);
});
