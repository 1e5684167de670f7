// HalfSipHash-1-3: the keyed hash of the keyspace and of every collection's members (see
// stringmap.ts). It is SipHash's 32-bit variant (Aumasson and Bernstein), one compression round
// per 4-byte word and three to finish, as Linux's hsiphash uses it for hash tables that face the
// network. Redis keys its dict with SipHash-1-2 for the same reason: a client that does not know
// the key cannot compute names that all land in one probe sequence. A seeded FNV-1a, which the
// tables used before, is not such a hash: its low bits depend only on the low bits of the seed
// and the input, and seeded hashes of its kind (Python's before PEP 456) were broken in practice.
//
// The words are read from a byte string (one char per byte) or straight from request bytes:
// both give the same hash, so a key can be looked up by its bytes without building its string.

/** Little-endian 32-bit word at offset `i` of a byte string or of bytes. */
function word(src: string | Uint8Array, i: number): number {
  return typeof src === "string"
    ? src.charCodeAt(i) | (src.charCodeAt(i + 1) << 8) | (src.charCodeAt(i + 2) << 16) |
      (src.charCodeAt(i + 3) << 24)
    : src[i] | (src[i + 1] << 8) | (src[i + 2] << 16) | (src[i + 3] << 24);
}

/** The last word: the `n & 3` bytes left from offset `i`, and the input's length `n` on top. */
function lastWord(src: string | Uint8Array, i: number, n: number): number {
  let m = n << 24;
  for (let j = (n & 3) - 1; j >= 0; j--) {
    m |= (typeof src === "string" ? src.charCodeAt(i + j) : src[i + j]) << (8 * j);
  }
  return m;
}

/**
 * HalfSipHash-1-3 of bytes [s, e) of `src` (a byte string, or bytes) under the 64-bit key
 * (k0, k1), as a signed 32-bit integer. Checked against Linux's hsiphash test vectors
 * (tests/unit/siphash_test.ts).
 */
export function halfSipHash13(
  src: string | Uint8Array,
  s: number,
  e: number,
  k0: number,
  k1: number,
): number {
  let v0 = k0;
  let v1 = k1;
  let v2 = k0 ^ 0x6c796765;
  let v3 = k1 ^ 0x74656462;
  const n = e - s;
  const words = n >> 2;
  // A round per word, one for the last word, then three more: the round is written once.
  for (let r = 0; r < words + 4; r++) {
    let m = 0;
    if (r < words) m = word(src, s + 4 * r);
    else if (r === words) m = lastWord(src, s + 4 * words, n);
    else if (r === words + 1) v2 ^= 0xff;
    v3 ^= m;
    v0 = (v0 + v1) | 0;
    v1 = (v1 << 5) | (v1 >>> 27);
    v1 ^= v0;
    v0 = (v0 << 16) | (v0 >>> 16);
    v2 = (v2 + v3) | 0;
    v3 = (v3 << 8) | (v3 >>> 24);
    v3 ^= v2;
    v0 = (v0 + v3) | 0;
    v3 = (v3 << 7) | (v3 >>> 25);
    v3 ^= v0;
    v2 = (v2 + v1) | 0;
    v1 = (v1 << 13) | (v1 >>> 19);
    v1 ^= v2;
    v2 = (v2 << 16) | (v2 >>> 16);
    v0 ^= m;
  }
  return v1 ^ v3;
}
