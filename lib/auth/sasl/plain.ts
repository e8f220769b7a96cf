// SASL PLAIN (RFC 4616): "authzid NUL authcid NUL password" in one response.
// Acting as another user is not supported, so authzid must be empty or the
// same as authcid.
import { verifyPlaintext } from '../verify';
import type { LoginContext, SaslExchange, SaslStep } from '../types';

export function plainExchange(ctx: LoginContext): SaslExchange {
  let started = false;
  return {
    async step(response: Buffer | undefined): Promise<SaslStep> {
      if (response === undefined) {
        if (started) return { kind: 'failure', user: undefined };
        started = true;
        return { kind: 'challenge', data: Buffer.alloc(0) };
      }
      const parts = response.toString('utf8').split('\0');
      if (parts.length !== 3) return { kind: 'failure', user: undefined };
      const [authzid = '', user = '', password = ''] = parts;
      if (authzid !== '' && authzid !== user) return { kind: 'failure', user };
      const account = await verifyPlaintext(ctx, user, password);
      return account ? { kind: 'success', account } : { kind: 'failure', user };
    },
  };
}
