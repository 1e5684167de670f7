// The full command table: every family's entries in one place.
import { CommandTable } from "./table.ts";
import { connectionCommands } from "./connection.ts";
import { stringCommands } from "./strings.ts";
import { keyCommands } from "./keys.ts";
import { expireCommands } from "./expire.ts";
import { serverCommands } from "./server.ts";
import { introspectionCommands } from "./introspection.ts";
import { hashCommands } from "./hashes.ts";
import { setCommands } from "./sets.ts";
import { zsetCommands } from "./zsets.ts";
import { latencyCommands } from "./latency.ts";
import { monitorCommands } from "./monitor.ts";
import { listCommands } from "./lists.ts";

/** A fresh command table holding every command keyval offers. */
export function createCommandTable(): CommandTable {
  return new CommandTable([
    ...connectionCommands,
    ...stringCommands,
    ...keyCommands,
    ...expireCommands,
    ...serverCommands,
    ...introspectionCommands,
    ...zsetCommands,
    ...latencyCommands,
    ...monitorCommands,
    ...hashCommands,
    ...setCommands,
    ...listCommands,
  ]);
}
