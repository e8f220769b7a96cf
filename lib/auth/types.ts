// The contract between the protocol engines and the login layer (lib/auth).
import type { Config } from '../config/config';
import type { Endpoint } from '../net/connection';
import type { MailUser } from '../mail/types';

export type Service = 'imap' | 'pop3';

export interface LoginContext {
  readonly service: Service;
  readonly config: Config;
  /** Client address; undefined over pipes. */
  readonly peer: Endpoint | undefined;
  /** True once the connection is TLS. */
  readonly secure: boolean;
}

/** An authenticated account, before or after the switch to its identity. */
export interface Account extends MailUser {}

/** One step of a SASL exchange. */
export type SaslStep =
  | { readonly kind: 'challenge'; readonly data: Buffer }
  | { readonly kind: 'success'; readonly account: Account }
  | { readonly kind: 'failure'; readonly user: string | undefined };

export interface SaslExchange {
  /**
   * Feeds the client's (decoded) response; `undefined` for the start of a
   * mechanism without an initial response.
   */
  step(response: Buffer | undefined): Promise<SaslStep>;
}
