// Version numbers reported by INFO, HELLO and --version.

/** keyval's own version. */
export const KEYVAL_VERSION = "0.1.0";
/** The Redis version whose semantics keyval follows (what clients see as redis_version). */
export const REDIS_COMPAT_VERSION = "7.0.15";
