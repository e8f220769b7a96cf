// Starts a SASL exchange for a mechanism the connection is offered.
import { saslMechanisms } from '../policy';
import type { LoginContext, SaslExchange } from '../types';
import { cramMd5Exchange } from './cram-md5';
import { loginExchange } from './login';
import { plainExchange } from './plain';

const EXCHANGES: Readonly<Record<string, (ctx: LoginContext) => SaslExchange>> = {
  'CRAM-MD5': cramMd5Exchange,
  PLAIN: plainExchange,
  LOGIN: loginExchange,
};

/** undefined when the mechanism is unknown or not offered on this connection (e.g. PLAIN without TLS). */
export function startSasl(ctx: LoginContext, mechanism: string): SaslExchange | undefined {
  const name = mechanism.toUpperCase();
  const make = EXCHANGES[name];
  if (!make || !saslMechanisms(ctx).includes(name)) return undefined;
  return make(ctx);
}
