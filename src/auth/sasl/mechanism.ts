// Layer 4 (auth). The shape of a client-side SASL mechanism: a small state machine fed the
// server's challenges, producing responses. Pure (no I/O), so each one is unit-testable alone.

/** One client-side SASL mechanism instance (one authentication attempt). */
export interface SaslMechanism {
  /** IANA name as the server lists it, e.g. `SCRAM-SHA-256`. */
  readonly name: string
  /** The initial response sent with AUTH_SASL_START; null = none (distinct from empty). */
  start(): Buffer | null
  /**
   * Processes a server challenge (null = none). Returns the next response (null = none), or
   * throws when the server's data is malformed or proves it does not know the password.
   */
  step(challenge: Buffer | null): Buffer | null
  /**
   * Optional: expensive work for the next step() done asynchronously first (SCRAM's key
   * derivation), so the event loop is never blocked by a server's parameters.
   */
  prepare?(challenge: Buffer | null): Promise<void>
  /** True once the mechanism has everything it needs (e.g. verified the server's signature). */
  readonly complete: boolean
}

/** Credentials a mechanism needs. */
export interface SaslCredentials {
  username: string
  password: string
}
