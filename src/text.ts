// Redis's text conventions that both the server and keyval-cli print: sdscatrepr's quoting
// (MONITOR lines, redis-cli's strings), bytesToHuman's sizes (INFO's *_human fields, --stat),
// and random hex ids (INFO's run_id, --pipe's end marker); plus writing a whole buffer to a
// Deno writer.

const HEX = "0123456789abcdef";

/** A byte string quoted as Redis's sdscatrepr: C escapes, printable ASCII, `\xHH` otherwise. */
export function repr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c) out += "\\\\";
    else if (c === 0x22) out += '\\"';
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c === 0x07) out += "\\a";
    else if (c === 0x08) out += "\\b";
    else if (c >= 0x20 && c <= 0x7e) out += s[i];
    else out += "\\x" + HEX[c >> 4] + HEX[c & 15];
  }
  return out + '"';
}

/** Bytes in Redis's human form (bytesToHuman): 1023B, 1.50K, 2.00M ... */
export function bytesToHuman(n: number): string {
  const sign = n < 0 ? "-" : "";
  n = Math.abs(n);
  const units = ["K", "M", "G", "T", "P"];
  if (n < 1024) return `${sign}${n}B`;
  let i = 0;
  let d = n / 1024;
  while (d >= 1024 && i < units.length - 1) {
    d /= 1024;
    i++;
  }
  return `${sign}${d.toFixed(2)}${units[i]}`;
}

/** `bytes` random bytes as lower-case hex. */
export function randomHex(bytes: number): string {
  let out = "";
  for (const b of crypto.getRandomValues(new Uint8Array(bytes))) out += HEX[b >> 4] + HEX[b & 15];
  return out;
}

/** Writes all of `bytes` to `w` (Deno's writers may take part of a buffer per call). */
export async function writeAll(
  w: { write(b: Uint8Array): Promise<number> },
  bytes: Uint8Array,
): Promise<void> {
  let done = 0;
  while (done < bytes.length) done += await w.write(bytes.subarray(done));
}
