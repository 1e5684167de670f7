// A stand-in for a client's socket, so that the whole request path runs in one process: bytes
// handed to `receive` reach a real Connection as a data event, and every reply it writes is taken
// as sent at once. Used by bench/server.bench.ts and tests/unit/allocation_test.ts.
import type { Socket } from "node:net";
import { Connection } from "../../src/connection.ts";
import type { Server } from "../../src/server.ts";

/** A socket that takes every write at once, and lets the caller play the peer's data events. */
export class InstantSocket {
  remoteAddress = "127.0.0.1";
  remotePort = 50000;
  localAddress = "127.0.0.1";
  localPort = 6379;
  /** Bytes written to it so far. */
  written = 0;
  private onData: ((chunk: Uint8Array) => void) | undefined;
  setNoDelay(): void {}
  /** A stand-in has no handle to give: the connection reads it through data events. */
  resume(): void {}
  on(event: string, fn: (chunk: Uint8Array) => void): this {
    if (event === "data") this.onData = fn;
    return this;
  }
  once(): this {
    return this;
  }
  /** Takes the bytes as sent at once: the callback (which gives lent memory back) runs now. */
  write(bytes: Uint8Array, sent?: () => void): boolean {
    this.written += bytes.length;
    sent?.();
    return true;
  }
  /** Delivers `chunk` to the connection as the peer's next data. */
  receive(chunk: Uint8Array): void {
    this.onData!(chunk);
  }
}

/** The constructor of a connection: this checkout's, or another build's (bench/ab.ts). */
type ConnectionClass = new (socket: Socket, server: Server) => unknown;

/** A client of `server` on an InstantSocket, served by a `connection` of this class. */
export function connectInstant(
  server: Server,
  connection: ConnectionClass = Connection,
): InstantSocket {
  const socket = new InstantSocket();
  new connection(socket as unknown as Socket, server);
  return socket;
}
