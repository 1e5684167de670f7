// How a client's socket is read: into one buffer of ours, through node:net's `onread`.
import { Socket } from "node:net";

/**
 * The memory every socket's reads land in (node:net's `onread`, see `adopt`): one read is
 * handled at a time, and its callback copies out what it keeps before it returns.
 */
const READ_BUFFER = new Uint8Array(64 * 1024);

/**
 * A socket that takes over the connection of `accepted` (a server's socket, paused by
 * `pauseOnConnect`) and hands each read to `onBytes` as bytes [0, n) of READ_BUFFER.
 *
 * Why: a socket read through 'data' events gives each read to a Readable stream, which emits it
 * as a Buffer of its own, a new ArrayBuffer each time (and the garbage collector sweeps each
 * one). node:net's `onread` reads into memory of ours and calls back directly. keyval against
 * itself reading 'data' events, both bound to one CPU, alternating, server CPU a request (two
 * runs): GET -P 16 1.36 and 1.63 µs against 1.53 and 1.80, SET -P 16 1.37 and 1.52 against 1.51
 * and 1.73, INCR -P 16 1.75 against 1.96; unpipelined SET 16.6 and 17.5 against 18.2 and 18.6,
 * GET 15.3 and 16.4 against 15.6 and 17.9.
 * node:net offers `onread` only to a socket it builds from options, so `accepted` gives its
 * handle to a new one and is destroyed without it: its server stops counting it, and closing the
 * new socket closes the connection. A runtime whose sockets have no handle to give keeps
 * `accepted`, read through 'data' events.
 */
export function adopt(accepted: Socket, onBytes: (bytes: Uint8Array, n: number) => void): Socket {
  const internal = accepted as unknown as { _handle?: unknown };
  const handle = internal._handle;
  if (handle === undefined || handle === null) {
    accepted.on("data", (chunk: Uint8Array) => onBytes(chunk, chunk.length));
    accepted.resume();
    return accepted;
  }
  internal._handle = null;
  accepted.destroy();
  const onread = {
    buffer: READ_BUFFER,
    callback: (n: number, bytes: Uint8Array) => {
      onBytes(bytes, n);
      return true; // false would pause the socket; backpressure pauses it itself
    },
  };
  // `handle` is not in node's typings: a server passes it to the sockets it makes.
  const options = { handle, onread } as unknown as ConstructorParameters<typeof Socket>[0];
  const socket = new Socket(options);
  socket.resume();
  return socket;
}
