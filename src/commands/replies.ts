// Redis's exact texts for the errors many commands share (server.c's shared objects).

export const SYNTAX = "ERR syntax error";
export const NOT_INTEGER = "ERR value is not an integer or out of range";
export const NOT_FLOAT = "ERR value is not a valid float";
export const OVERFLOW = "ERR increment or decrement would overflow";
export const NO_SUCH_KEY = "ERR no such key";
export const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
export const TOO_BIG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
/** keyval's own: a reply past the writer's 1 GiB limit (protocol/encoder.ts MAX_REPLY_BYTES). */
export const REPLY_TOO_LARGE = "ERR reply exceeds 1 GiB: ask for fewer elements";
