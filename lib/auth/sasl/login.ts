// SASL LOGIN (draft-murchison-sasl-login): the server asks "Username:" and
// then "Password:". An initial response, where a client sends one, is the
// user name.
import { verifyPlaintext } from '../verify';
import type { LoginContext, SaslExchange, SaslStep } from '../types';

export function loginExchange(ctx: LoginContext): SaslExchange {
  let user: string | undefined;
  let asked = false;
  return {
    async step(response: Buffer | undefined): Promise<SaslStep> {
      if (user === undefined) {
        if (response === undefined) {
          if (asked) return { kind: 'failure', user: undefined };
          asked = true;
          return { kind: 'challenge', data: Buffer.from('Username:') };
        }
        user = response.toString('utf8');
        return { kind: 'challenge', data: Buffer.from('Password:') };
      }
      if (response === undefined) return { kind: 'failure', user };
      const account = await verifyPlaintext(ctx, user, response.toString('utf8'));
      return account ? { kind: 'success', account } : { kind: 'failure', user };
    },
  };
}
