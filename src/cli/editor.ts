// keyval-cli's line editor for the interactive prompt: a single-line editor in the manner of
// linenoise (which redis-cli uses), on a terminal in raw mode, with history kept in a file.
// The terminal is raw only while a line is being typed, so replies print with normal newlines.
import { writeAll } from "../text.ts";

/** Most lines kept, as linenoise's default. */
const HISTORY_MAX = 100;

/** Command history, loaded from and saved to a file when file access is granted. */
export class History {
  readonly lines: string[] = [];

  constructor(readonly path: string | undefined) {}

  /** Loads the file, if there is one and it may be read. */
  load(): void {
    if (!this.path || !granted("read", this.path)) return;
    try {
      const text = Deno.readTextFileSync(this.path);
      for (const line of text.split("\n")) if (line !== "") this.add(line, false);
    } catch {
      // No history yet.
    }
  }

  /** Adds a line (not twice in a row, as linenoise) and saves the file. */
  add(line: string, save = true): void {
    if (this.lines[this.lines.length - 1] === line) return;
    this.lines.push(line);
    if (this.lines.length > HISTORY_MAX) this.lines.shift();
    if (save) this.save();
  }

  private save(): void {
    if (!this.path || !granted("write", this.path)) return;
    try {
      Deno.writeTextFileSync(this.path, this.lines.map((l) => l + "\n").join(""), { mode: 0o600 });
    } catch {
      // A history that cannot be saved must not stop the session.
    }
  }
}

/** True when the permission is granted already: asking would prompt in the middle of a session. */
function granted(name: "read" | "write", path: string): boolean {
  return Deno.permissions.querySync({ name, path }).state === "granted";
}

const encoder = new TextEncoder();

/** Reads bytes from the terminal one at a time, buffering what each read returns. */
class KeyReader {
  private buf = new Uint8Array(4096);
  private pos = 0;
  private len = 0;

  /** The next byte, or null at end of input. */
  async byte(): Promise<number | null> {
    if (this.pos === this.len) {
      const n = await Deno.stdin.read(this.buf);
      if (n === null || n === 0) return null;
      this.pos = 0;
      this.len = n;
    }
    return this.buf[this.pos++];
  }
}

/** Bytes in a UTF-8 sequence that starts with `lead` (1 for anything unexpected). */
function utf8Length(lead: number): number {
  if (lead >= 0xf0 && lead < 0xf8) return 4;
  if (lead >= 0xe0) return lead < 0xf0 ? 3 : 1;
  if (lead >= 0xc0) return 2;
  return 1;
}

/** The interactive line editor. */
export class LineEditor {
  private keys = new KeyReader();
  private chars: string[] = [];
  private pos = 0;
  private prompt = "";

  constructor(private history: History) {}

  /** Reads one line; null at end of input (ctrl-d, or ctrl-c on an empty line). */
  async readLine(prompt: string): Promise<string | null> {
    this.prompt = prompt;
    this.chars = [];
    this.pos = 0;
    // The line being typed is the newest history entry while browsing, as in linenoise.
    const entries = [...this.history.lines, ""];
    let index = entries.length - 1;
    const browse = (to: number) => {
      if (to < 0 || to >= entries.length) return;
      entries[index] = this.chars.join("");
      index = to;
      this.chars = [...entries[index]];
      this.pos = this.chars.length;
    };
    Deno.stdin.setRaw(true);
    try {
      await this.write(prompt);
      while (true) {
        const b = await this.keys.byte();
        if (b === null) return this.chars.length ? this.chars.join("") : null;
        switch (b) {
          case 13: // enter
          case 10:
            await this.write("\r\n");
            return this.chars.join("");
          case 3: // ctrl-c: clear the line, or leave on an empty one
            if (this.chars.length === 0) {
              await this.write("\r\n");
              return null;
            }
            await this.write("^C\r\n");
            this.chars = [];
            this.pos = 0;
            index = entries.length - 1;
            entries[index] = "";
            break;
          case 4: // ctrl-d: leave on an empty line, else delete under the cursor
            if (this.chars.length === 0) {
              await this.write("\r\n");
              return null;
            }
            this.deleteAt(this.pos);
            break;
          case 127: // backspace
          case 8: // ctrl-h
            if (this.pos > 0) this.deleteAt(--this.pos);
            break;
          case 1: // ctrl-a
            this.pos = 0;
            break;
          case 5: // ctrl-e
            this.pos = this.chars.length;
            break;
          case 2: // ctrl-b
            if (this.pos > 0) this.pos--;
            break;
          case 6: // ctrl-f
            if (this.pos < this.chars.length) this.pos++;
            break;
          case 16: // ctrl-p
            browse(index - 1);
            break;
          case 14: // ctrl-n
            browse(index + 1);
            break;
          case 21: // ctrl-u: delete to the start
            this.chars.splice(0, this.pos);
            this.pos = 0;
            break;
          case 11: // ctrl-k: delete to the end
            this.chars.length = this.pos;
            break;
          case 23: { // ctrl-w: delete the word before the cursor
            let from = this.pos;
            while (from > 0 && this.chars[from - 1] === " ") from--;
            while (from > 0 && this.chars[from - 1] !== " ") from--;
            this.chars.splice(from, this.pos - from);
            this.pos = from;
            break;
          }
          case 20: // ctrl-t: swap the characters before and under the cursor, as linenoise
            if (this.pos > 0 && this.pos < this.chars.length) {
              const at = this.pos;
              [this.chars[at - 1], this.chars[at]] = [this.chars[at], this.chars[at - 1]];
              if (this.pos !== this.chars.length - 1) this.pos++;
            }
            break;
          case 12: // ctrl-l
            await this.write("\x1b[H\x1b[2J");
            break;
          case 27: {
            const key = await this.escape();
            if (key === "up") browse(index - 1);
            else if (key === "down") browse(index + 1);
            else if (key === "left" && this.pos > 0) this.pos--;
            else if (key === "right" && this.pos < this.chars.length) this.pos++;
            else if (key === "home") this.pos = 0;
            else if (key === "end") this.pos = this.chars.length;
            else if (key === "delete" && this.pos < this.chars.length) this.deleteAt(this.pos);
            break;
          }
          default: {
            if (b < 32) break; // other control keys (tab included) do nothing
            const bytes = [b];
            for (let n = utf8Length(b); n > 1; n--) {
              const next = await this.keys.byte();
              if (next === null) break;
              bytes.push(next);
            }
            const text = new TextDecoder().decode(new Uint8Array(bytes));
            this.chars.splice(this.pos, 0, text);
            this.pos++;
          }
        }
        await this.refresh();
      }
    } finally {
      Deno.stdin.setRaw(false);
    }
  }

  /** Decodes the rest of an escape sequence (ESC already read) into a key name. */
  private async escape(): Promise<string> {
    const first = await this.keys.byte();
    if (first !== 91 && first !== 79) return ""; // not ESC [ or ESC O
    const second = await this.keys.byte();
    if (second === null) return "";
    if (second >= 48 && second <= 57) {
      // ESC [ n ~ (and ESC [ 1 ; 5 C style modifiers, whose final letter names the key)
      let code = String.fromCharCode(second);
      let last = await this.keys.byte();
      while (last !== null && ((last >= 48 && last <= 57) || last === 59)) {
        code += String.fromCharCode(last);
        last = await this.keys.byte();
      }
      if (last === 126) {
        return { "1": "home", "7": "home", "3": "delete", "4": "end", "8": "end" }[code] ?? "";
      }
      return last === null ? "" : letterKey(last);
    }
    return letterKey(second);
  }

  private deleteAt(i: number): void {
    this.chars.splice(i, 1);
  }

  /** Redraws the line, scrolling it horizontally when it is wider than the terminal. */
  private async refresh(): Promise<void> {
    let columns = 80;
    try {
      columns = Deno.consoleSize().columns || 80;
    } catch {
      // not a terminal after all: keep the default
    }
    const plen = this.prompt.length;
    let from = 0;
    let pos = this.pos;
    let len = this.chars.length;
    while (plen + pos >= columns && pos > 0) {
      from++;
      pos--;
      len--;
    }
    while (plen + len > columns) len--;
    const shown = this.chars.slice(from, from + Math.max(0, len)).join("");
    await this.write(`\r${this.prompt}${shown}\x1b[0K\r\x1b[${pos + plen}C`);
  }

  private write(text: string): Promise<void> {
    return writeAll(Deno.stdout, encoder.encode(text));
  }
}

function letterKey(b: number): string {
  return { 65: "up", 66: "down", 67: "right", 68: "left", 72: "home", 70: "end" }[b] ?? "";
}
