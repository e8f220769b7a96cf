// What the POP engines need from the login layer and the mail store, bound
// to one connection. main.ts wires the real lib/auth and lib/mail
// implementations (./system); unit tests pass fakes.
import type { Account, SaslExchange } from '../auth/types';
import type { MailStore } from '../mail/types';

export interface LoginPort {
  /** Plaintext passwords (USER/PASS, AUTH PLAIN/LOGIN, POP2 HELO) are acceptable right now. */
  plaintextAllowed(): boolean;
  /** SASL mechanisms offered right now. */
  mechanisms(): readonly string[];
  /** undefined when the mechanism is unknown or not offered. */
  startSasl(mechanism: string): SaslExchange | undefined;
  verifyPlaintext(user: string, password: string): Promise<Account | undefined>;
  /** A fresh APOP timestamp, or undefined when APOP is not available. */
  apopTimestamp(): string | undefined;
  verifyApop(timestamp: string, user: string, digest: string): Promise<Account | undefined>;
  /** The pause after a failed attempt. */
  failureDelay(): Promise<void>;
  /** When logins are disabled (nologin), the text to refuse them with. */
  nologinText(): string | undefined;
  /** Switches to the account's identity for good and opens its mail store. */
  enter(account: Account): Promise<MailStore>;
  /** After enter(): seconds the account must still wait (LOGIN-DELAY), or 0 after noting this login. */
  loginDelay(account: Account): number;
}

export interface TlsPort {
  /** A certificate is installed, so STLS can be offered. */
  readonly available: boolean;
  /**
   * Loads the certificate; false when it is unusable. Called before the
   * positive answer, so that nothing can run between that answer and start().
   */
  prepare(): boolean;
  /** Wraps the connection in TLS (the caller has already discarded pipelined input). */
  start(): Promise<void>;
}
