// Arguments that MONITOR and SLOWLOG show as "(redacted)", as Redis's redactClientCommandArgument
// hides passwords: HELLO's AUTH user and password (keyval has no AUTH command of its own).
import type { Context } from "./context.ts";
import type { Command } from "./table.ts";

/** Positions of the arguments of `cmd` in `cx` to show as "(redacted)", if any. */
export function redactedArgs(cx: Context, cmd: Command): Set<number> | undefined {
  if (cmd.fullName !== "hello") return undefined;
  // HELLO [protover [AUTH username password] [SETNAME clientname]]: user and password.
  const hidden = new Set<number>();
  for (let i = 2; i < cx.argc; i++) {
    const more = cx.argc - i - 1;
    if (cx.argIs(i, "auth") && more >= 2) {
      hidden.add(i + 1).add(i + 2);
      i += 2;
    } else if (cx.argIs(i, "setname") && more >= 1) {
      i++;
    } else {
      break;
    }
  }
  return hidden;
}
