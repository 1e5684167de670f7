// Redis's exact protocol error texts (networking.c), sent as "-ERR Protocol error: ..." before
// the connection is closed.

export const TOO_BIG_INLINE = "too big inline request";
export const UNBALANCED_QUOTES = "unbalanced quotes in request";
export const TOO_BIG_MBULK_COUNT = "too big mbulk count string";
export const INVALID_MBULK_LENGTH = "invalid multibulk length";
export const TOO_BIG_BULK_COUNT = "too big bulk count string";
export const INVALID_BULK_LENGTH = "invalid bulk length";

/** Redis's text for a bulk header that does not start with '$'. */
export function expectedDollar(got: number): string {
  return `expected '$', got '${String.fromCharCode(got)}'`;
}
